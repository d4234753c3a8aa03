import { readFileSync } from "node:fs";
import { sha256, type Toolchain } from "../../src/build/index.js";
import { renderProject, writeGen } from "../../src/render/index.js";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { appFromManifest, LocalHost, type AppSource, type LocalApp, type LocalHostOptions } from "../../src/host/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { buildDir } from "./build.js";
import { RENDER_OPTIONS } from "./fixtures.js";
import { startNats, type NatsServer } from "./servers.js";

/** Builds a project and returns its applications as the host process is given them: manifest, component path, digest. */
export async function appSources(dir: string, httpPort = 8000, toolchain?: Toolchain): Promise<Map<string, AppSource>> {
  const built = await buildDir(dir, undefined, toolchain);
  const rendered = await renderProject(await loadProject(dir), { ...RENDER_OPTIONS, httpPort });
  writeGen(rendered);
  return new Map(rendered.tasks.map((t) => [t.dir, { manifest: t.manifest, wasmPath: built.get(t.dir)!.wasm, digest: built.get(t.dir)!.digest }]));
}

/** Builds a project and returns its applications as the local host reads them. */
export async function localApps(dir: string, httpPort = 8000, toolchain?: Toolchain): Promise<Map<string, LocalApp>> {
  const sources = await appSources(dir, httpPort, toolchain);
  return new Map(
    [...sources].map(([name, s]) => {
      const wasm = readFileSync(s.wasmPath);
      return [name, appFromManifest(s.manifest, wasm, sha256(wasm))];
    }),
  );
}

export interface LocalPipeline {
  nats: NatsServer;
  nc: NatsConnection;
  host: LocalHost;
  apps: Map<string, LocalApp>;
  stop(): Promise<void>;
}

/** A real nats-server and a LocalHost running every task of the project at `dir`. */
/** `toolchain`: what builds the components (default: go). */
export async function startLocalPipeline(dir: string, o: LocalHostOptions & { httpPort?: number; toolchain?: Toolchain } = {}): Promise<LocalPipeline> {
  const [nats, apps] = await Promise.all([startNats(), localApps(dir, o.httpPort, o.toolchain)]);
  const nc = await connect({ servers: nats.url });
  const host = new LocalHost(nc, o);
  for (const app of apps.values()) await host.apply(app);
  return {
    nats,
    nc,
    host,
    apps,
    stop: async () => {
      await host.stop();
      await nc.close();
      await nats.stop();
    },
  };
}
