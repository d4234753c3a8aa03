import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { REPO_ROOT } from "./project.js";
import { freePort } from "../../src/free-port.js";

export { freePort };

/** The binary a toolchain/setup script builds or finds (its stdout is the path). */
export function setupBinary(script: string): string {
  return execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", script)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready within ${ms} ms`);
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => (clearTimeout(kill), resolve()));
    child.kill(signal);
  });
}

export interface NatsServer {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Stops and starts again on the same port and store (a server restart). */
  restart(): Promise<void>;
}

/**
 * A real nats-server (>= 2.10, with JetStream) on a free loopback port. `config`: the text of a
 * configuration file beside the flags (users and permissions); a client without credentials must
 * still be let in, as the readiness check connects without any.
 */
export async function startNats(o: { config?: string } = {}): Promise<NatsServer> {
  const bin = setupBinary("nats-server.sh");
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), "pelato-nats-"));
  const configArgs: string[] = [];
  if (o.config) {
    writeFileSync(join(store, "nats.conf"), o.config);
    configArgs.push("-c", join(store, "nats.conf"));
  }
  let child: ChildProcess;
  const start = async () => {
    child = spawn(bin, [...configArgs, "-js", "-a", "127.0.0.1", "-p", String(port), "-sd", store], { stdio: "ignore" });
    await until("nats-server", 10_000, async () => {
      const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false });
      await nc.close();
      return true;
    });
  };
  await start();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      await stopChild(child);
      rmSync(store, { recursive: true, force: true });
    },
    restart: async () => {
      await stopChild(child);
      await start();
    },
  };
}

/** A real wadm (built from crates.io by toolchain/setup/wadm.sh) on the given NATS. */
export async function startWadm(nats: NatsServer, lattice = "default"): Promise<{ stop(): Promise<void> }> {
  const bin = setupBinary("wadm.sh");
  const child = spawn(bin, ["--nats-server", `127.0.0.1:${nats.port}`], { stdio: "ignore", env: { ...process.env, RUST_LOG: "warn" } });
  const nc = await connect({ servers: `127.0.0.1:${nats.port}` });
  try {
    await until("wadm", 30_000, async () => {
      const reply = await nc.request(`wadm.api.${lattice}.model.get`, "", { timeout: 1000 });
      return reply.string().includes('"result"');
    });
  } finally {
    await nc.close();
  }
  return { stop: () => stopChild(child) };
}
