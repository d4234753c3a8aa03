import { join } from "node:path";
import type { NatsConnection } from "@nats-io/nats-core";
import type { ResolvedConfig } from "../config/index.js";
import { clearUpState, HostProcess, STATE_DIR, staleNatsPid, startNatsServer, writeUpState, type HostProcessOptions, type LocalNats } from "../host/index.js";
import { connectNats } from "../nats/index.js";

/**
 * The embedded default, as `pelatod up` and `pelatod watch --local` run it: a nats-server on
 * loopback (JetStream data in .pelato/nats) and a local component host on it, each a process.
 */
export interface Embedded {
  projectDir: string;
  /** Replaced when the server is restarted (see restartNats). */
  nats: LocalNats;
  nc: NatsConnection;
  host: HostProcess;
  /** Writes .pelato/up.json: what `pelatod send` reads to find this process's NATS and HTTP ports. */
  publish(): void;
  /** Starts the nats-server again on the same port and store, after it died. */
  restartNats(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmbedded(projectDir: string, config: ResolvedConfig, o: Omit<HostProcessOptions, "nats" | "clientName"> & { onProgress?: (line: string) => void; clientName?: string } = {}): Promise<Embedded> {
  const stale = staleNatsPid(projectDir);
  if (stale) process.kill(stale, "SIGTERM");
  const store = join(projectDir, STATE_DIR, "nats");
  const natsPort = config.sources.NATS_PORT === "default" ? undefined : config.nats.port;
  let nats = await startNatsServer(store, natsPort, o.onProgress);
  const natsSettings = { ...config.nats, servers: [nats.url] };
  const clientName = o.clientName ?? "pelatod-local";
  const nc = await connectNats(natsSettings, clientName);
  const { onProgress: _, clientName: __, ...hostOptions } = o;
  // Once a host that died runs again, up.json names its new process.
  const host = await HostProcess.start({ ...hostOptions, nats: natsSettings, clientName: `${clientName}-host`, onRestarted: () => embedded.publish(), ...(config.database ? { database: config.database } : {}) }).catch(async (err: unknown) => {
    await nc.close().catch(() => {});
    await nats.stop();
    throw err;
  });
  let stopping: Promise<void> | undefined;
  const embedded: Embedded = {
    projectDir,
    get nats() {
      return nats;
    },
    nc,
    host,
    publish() {
      const http = host.apps().flatMap((a) => (a.httpPort !== undefined ? [{ port: a.httpPort, app: a.name }] : []));
      writeUpState(projectDir, { pid: process.pid, natsPid: nats.pid, hostPid: host.pid ?? 0, natsUrl: nats.url, http, apps: host.apps().map((a) => a.name) });
    },
    async restartNats() {
      nats = await startNatsServer(store, nats.port, o.onProgress);
      embedded.publish();
    },
    stop: () =>
      (stopping ??= (async () => {
        await host.stop();
        await nc.close().catch(() => {});
        await nats.stop();
        clearUpState(projectDir);
      })()),
  };
  return embedded;
}
