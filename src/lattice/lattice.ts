import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { RuntimeFailure } from "../errors.js";
import { latticeBinary } from "./binaries.js";
import { startService, type Service } from "./service.js";
import { freePort } from "../free-port.js";

/**
 * The engine settings `lattice up` gives its wasmCloud hosts (upstream's variable names; the
 * environment overrides each). Why these values: README, "The wasmCloud host's engine settings".
 */
export const HOST_ENGINE_DEFAULTS = {
  WASMCLOUD_MAX_COMPONENTS: "10000",
  WASMCLOUD_MAX_LINEAR_MEMORY: String(256 << 20),
  WASMCLOUD_MAX_CORE_INSTANCES_PER_COMPONENT: "30",
} as const;

export interface LatticeOptions {
  /** host-type label of each wasmCloud host, one host per entry. Default: edge, cloud. */
  hosts: string[];
  lattice: string;
  natsPort?: number;
  registryPort?: number;
  /** Host heartbeat, seconds. Default: wasmCloud's 30. */
  heartbeatSeconds?: number;
  /** wadm's cleanup interval, seconds. Default: wadm's 70. */
  cleanupSeconds?: number;
  /** Logs and data; a temporary folder by default. */
  dir?: string;
  onProgress?: (line: string) => void;
}

export interface LatticeHost {
  label: string;
  service: Service;
  id: string;
}

export interface RunningLattice {
  natsUrl: string;
  natsPort: number;
  registry: string;
  lattice: string;
  dir: string;
  hosts: LatticeHost[];
  /** Starts one more host with this label (after a kill, say). */
  addHost(label: string): Promise<LatticeHost>;
  stop(): Promise<void>;
}

/** NATS with JetStream, wadm, a registry and one wasmCloud host per label, all on loopback. */
export async function startLattice(o: LatticeOptions): Promise<RunningLattice> {
  const say = o.onProgress ?? (() => {});
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "pelato-lattice-"));
  mkdirSync(dir, { recursive: true });
  const [natsBin, wadmBin, hostBin, registryBin] = await Promise.all([
    latticeBinary("nats-server", say),
    latticeBinary("wadm", say),
    latticeBinary("wasmcloud-host", say),
    latticeBinary("registry", say),
  ]);
  const natsPort = o.natsPort ?? (await freePort());
  const registryPort = o.registryPort ?? (await freePort());
  const registry = `127.0.0.1:${registryPort}`;
  const services: Service[] = [];
  let control: NatsConnection | undefined;
  const stop = async () => {
    await control?.close().catch(() => {});
    // Hosts first (they report host_stopped to wadm), then wadm and the registry, NATS last.
    const hostsFirst = [services.filter((s) => s.name.startsWith("host-")), services.filter((s) => !s.name.startsWith("host-") && s.name !== "nats"), services.filter((s) => s.name === "nats")];
    for (const group of hostsFirst) await Promise.all(group.map((s) => s.stop()));
  };
  const hosts: LatticeHost[] = [];
  const addHost = async (label: string): Promise<LatticeHost> => {
    const env = {
      ...HOST_ENGINE_DEFAULTS,
      ...process.env,
      RUST_LOG: process.env.RUST_LOG ?? "warn",
      WASMCLOUD_NATS_HOST: "127.0.0.1",
      WASMCLOUD_NATS_PORT: String(natsPort),
      WASMCLOUD_LATTICE: o.lattice,
      "WASMCLOUD_LABEL_host-type": label,
      WASMCLOUD_OCI_ALLOWED_INSECURE: registry,
      ...(o.heartbeatSeconds ? { WASMCLOUD_HOST_HEARTBEAT_INTERVAL: String(o.heartbeatSeconds) } : {}),
    };
    const name = `host-${services.length}-${label}`;
    // wasmCloud caches fetched components in $TMPDIR/wasmcloud_ocicache, written in place: two
    // hosts sharing it read each other's half-written files ("bad magic number", all zeros).
    const tmp = join(dir, `${name}-tmp`);
    mkdirSync(tmp, { recursive: true });
    const service = startService(name, hostBin, [], { ...env, TMPDIR: tmp }, dir);
    services.push(service);
    const id = await waitFor(`the ${label} host`, () => hostIdOf(control!, o.lattice, label, (id) => !hosts.some((h) => h.id === id)));
    const host = { label, service, id };
    hosts.push(host);
    return host;
  };
  try {
    const natsUrl = `nats://127.0.0.1:${natsPort}`;
    services.push(startService("nats", natsBin, ["-js", "-a", "127.0.0.1", "-p", String(natsPort), "-sd", join(dir, "nats")], process.env, dir));
    control = await waitFor("nats-server", () => connect({ servers: natsUrl, name: "pelatod-lattice" }));
    writeFileSync(join(dir, "registry.yml"), registryConfig(registry, join(dir, "registry")));
    services.push(startService("registry", registryBin, ["serve", join(dir, "registry.yml")], process.env, dir));
    const wadmArgs = ["--nats-server", `127.0.0.1:${natsPort}`, ...(o.cleanupSeconds ? ["--cleanup-interval", String(o.cleanupSeconds)] : [])];
    services.push(startService("wadm", wadmBin, wadmArgs, { ...process.env, WADM_LOG: "warn" }, dir));
    await waitFor("the registry", async () => {
      const r = await fetch(`http://${registry}/v2/`);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    });
    await waitFor("wadm", () => control!.request(`wadm.api.${o.lattice}.model.get`, "", { timeout: 1000 }));
    for (const label of o.hosts) await addHost(label);
    say(`lattice ${o.lattice} up: NATS ${natsUrl}, registry ${registry}, hosts ${hosts.map((h) => h.label).join(", ")}`);
    return {
      natsUrl,
      natsPort,
      registry,
      lattice: o.lattice,
      dir,
      hosts,
      addHost,
      stop: async () => {
        await stop();
        if (!o.dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The id of a host with this label that answers ping and passes `fresh`. */
async function hostIdOf(nc: NatsConnection, lattice: string, label: string, fresh: (id: string) => boolean): Promise<string> {
  const replies = await nc.requestMany(`wasmbus.ctl.v1.${lattice}.host.ping`, "", { maxWait: 1000 });
  for await (const m of replies) {
    const r = m.json<{ response?: { id: string; labels: Record<string, string> } }>().response;
    if (r && r.labels["host-type"] === label && fresh(r.id)) return r.id;
  }
  throw new Error("not answering yet");
}

async function waitFor<T>(what: string, attempt: () => Promise<T>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new RuntimeFailure(`${what} did not come up within ${ms / 1000} s: ${(last as Error)?.message ?? last}`);
}

function registryConfig(addr: string, storage: string): string {
  return ["version: 0.1", "log:", "  level: warn", "storage:", "  filesystem:", `    rootdirectory: ${storage}`, "  delete:", "    enabled: true", "http:", `  addr: ${addr}`, ""].join("\n");
}

