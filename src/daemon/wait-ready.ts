// The unit's ExecStartPost (systemd/pelatod.service): exits 0 once the daemon's /healthz answers
// 200, 1 when it has not within PELATO_READY_TIMEOUT_S (default 900 s). Until then systemd keeps
// the unit "activating", so units ordered after pelatod start when it really serves. Given the
// daemon's pid ($MAINPID), it exits 1 as soon as that process is gone: systemd would otherwise
// keep a unit whose daemon failed at start "activating" for the whole TimeoutStartSec.
// Usage: node dist/src/daemon/wait-ready.js [project dir] [daemon pid]
import { pathToFileURL } from "node:url";
import { UsageError } from "../errors.js";
import { resolveDaemonSettings } from "../config/index.js";
import { processAlive } from "../process-alive.js";

export async function waitReady(projectDir: string, env: NodeJS.ProcessEnv = process.env, daemonPid?: number): Promise<boolean> {
  const { metrics } = resolveDaemonSettings(projectDir, {}, env);
  if (!metrics) return true; // PELATO_METRICS=off: nothing to ask; started is all systemd learns
  const url = `http://${metrics.host.includes(":") ? `[${metrics.host}]` : metrics.host}:${metrics.port}/healthz`;
  const seconds = Number(env.PELATO_READY_TIMEOUT_S ?? 900);
  if (!Number.isInteger(seconds) || seconds < 1) throw new UsageError(`PELATO_READY_TIMEOUT_S: "${env.PELATO_READY_TIMEOUT_S}" is not a whole number of seconds >= 1`);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (daemonPid !== undefined && !processAlive(daemonPid)) return false;
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => (void r.arrayBuffer(), r.status === 200)).catch(() => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [projectDir = ".", pid] = process.argv.slice(2);
  const run = async () => {
    if (pid !== undefined && !/^[1-9]\d*$/.test(pid)) throw new UsageError(`wait-ready: "${pid}" is not a process id`);
    return waitReady(projectDir, process.env, pid === undefined ? undefined : Number(pid));
  };
  process.exitCode = await run().then(
    (ready) => (ready ? 0 : 1),
    (err: unknown) => (console.error(`pelatod: ${(err as Error).message}`), err instanceof UsageError ? 2 : 1),
  );
}
