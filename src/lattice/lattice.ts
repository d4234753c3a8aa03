import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { latticeBinary } from "./binaries.js";
import { startService, type Service } from "./service.js";
import { freePort } from "../free-port.js";
import { hostEnvironment, hostIdOf, hostTmp, registryAnswers, registryConfig, waitFor } from "./parts.js";

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
    const name = `host-${services.length}-${label}`;
    const settings = { lattice: o.lattice, natsHost: "127.0.0.1", natsPort, registry, labels: { "host-type": label }, ...(o.heartbeatSeconds ? { heartbeatSeconds: o.heartbeatSeconds } : {}) };
    const service = startService(name, hostBin, [], hostEnvironment(settings, hostTmp(dir, name)), dir);
    services.push(service);
    const id = await waitFor(`the ${label} host`, () => hostIdOf(control!, o.lattice, { "host-type": label }, (id) => !hosts.some((h) => h.id === id)));
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
    await waitFor("the registry", () => registryAnswers(registry));
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
