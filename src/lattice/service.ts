import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { dieWithParent } from "../orphan-guard.js";

/** A child process of the dev lattice, its output in <dir>/<name>.log. */
export interface Service {
  name: string;
  pid: number;
  log: string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: a host that dies without a word (the failover experiments). */
  kill(): Promise<void>;
}

/** `within`: a command prefix the service runs under, e.g. `ip netns exec <namespace>`. */
export function startService(name: string, bin: string, args: string[], env: NodeJS.ProcessEnv, logDir: string, within: string[] = []): Service {
  const log = join(logDir, `${name}.log`);
  // The service writes its log file itself. Piped through this process, its output would stop
  // it whenever this event loop is busy (a spawnSync in a script): a wasmCloud host blocked on a
  // full stdout pipe stops starting components.
  const out = openSync(log, "a");
  const [guard, guarded] = dieWithParent(bin, args);
  const [cmd, ...argv] = [...within, guard, ...guarded];
  let child: ChildProcess;
  try {
    child = spawn(cmd!, argv, { env, stdio: ["ignore", out, out] });
  } finally {
    closeSync(out);
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    pid: child.pid!,
    log,
    exited,
    async stop(graceMs = 10_000) {
      if (gone()) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (gone()) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}
