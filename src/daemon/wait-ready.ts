// The unit's ExecStartPost (systemd/pelatod.service): exits 0 once the daemon's /healthz answers
// 200, 1 when it has not within PELATO_READY_TIMEOUT_S (default 900 s). Until then systemd keeps
// the unit "activating", so units ordered after pelatod start when it really serves.
// Usage: node dist/src/daemon/wait-ready.js [project dir]
import { pathToFileURL } from "node:url";
import { UsageError } from "../errors.js";
import { resolveDaemonSettings } from "../config/index.js";

export async function waitReady(projectDir: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const { metrics } = resolveDaemonSettings(projectDir, {}, env);
  if (!metrics) return true; // PELATO_METRICS=off: nothing to ask; started is all systemd learns
  const url = `http://${metrics.host.includes(":") ? `[${metrics.host}]` : metrics.host}:${metrics.port}/healthz`;
  const seconds = Number(env.PELATO_READY_TIMEOUT_S ?? 900);
  if (!Number.isInteger(seconds) || seconds < 1) throw new UsageError(`PELATO_READY_TIMEOUT_S: "${env.PELATO_READY_TIMEOUT_S}" is not a whole number of seconds >= 1`);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => (void r.arrayBuffer(), r.status === 200)).catch(() => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await waitReady(process.argv[2] ?? ".").then(
    (ready) => (ready ? 0 : 1),
    (err: unknown) => (console.error(`pelatod: ${(err as Error).message}`), err instanceof UsageError ? 2 : 1),
  );
}
