import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureRegistryTools, freePort, REGISTRY_BIN, stopChild } from "../../oci/helpers/registry.js";

export interface RestartableRegistry {
  host: string;
  /** Stops the server; its storage stays. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A real docker-registry on a fixed loopback port that can be stopped and started again. */
export async function startRestartableRegistry(): Promise<RestartableRegistry> {
  ensureRegistryTools();
  const dir = mkdtempSync(join(tmpdir(), "pelato-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = ["version: 0.1", "log:", "  level: error", "  accesslog:", "    disabled: true", "storage:", "  filesystem:", `    rootdirectory: ${join(dir, "data")}`, "http:", `  addr: ${host}`, `  secret: pelato-${port}`];
  writeFileSync(join(dir, "config.yml"), config.join("\n") + "\n");
  let child: ChildProcess | undefined;
  const r: RestartableRegistry = {
    host,
    async start() {
      child = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: "ignore" });
      for (let i = 0; i < 150; i++) {
        const ok = await fetch(`http://${host}/v2/`).then((res) => (void res.arrayBuffer(), res.status === 200)).catch(() => false);
        if (ok) return;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`docker-registry did not start on ${host}`);
    },
    stop: async () => {
      if (child) await stopChild(child);
    },
    destroy: async () => {
      await r.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await r.start();
  return r;
}
