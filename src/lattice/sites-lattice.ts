import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { latticeBinary } from "./binaries.js";
import { LINK_API_PORT, linkProxyConfig } from "./link.js";
import { CLIENT_PORT, LEAF_PORT, natsConfig } from "./nats-config.js";
import { createSiteNetwork, type SiteNetwork } from "./network.js";
import { RuntimeFailure } from "../errors.js";
import { hostEnvironment, hostIdOf, hostTmp, registryAnswers, registryConfig, waitFor } from "./parts.js";
import { startService, type Service } from "./service.js";
import { hubOf, type Site } from "../sites.js";
import { claimSubnet, releaseSubnet, writeRecord, type SitesRecord } from "./state.js";

export const REGISTRY_PORT = 5000;

export interface SitesLatticeOptions {
  sites: Site[];
  lattice: string;
  /** Per leaf tier, the topics that cross from it only through JetStream: denied on its sites' links. */
  deny?: ReadonlyMap<string, readonly string[]>;
  heartbeatSeconds?: number;
  cleanupSeconds?: number;
  /** Logs and data; a temporary folder by default. */
  dir?: string;
  onProgress?: (line: string) => void;
  /** Aborting it during start stops what was started and rejects. */
  signal?: AbortSignal;
}

export interface RunningSite {
  site: Site;
  /** Its address on the lattice's network: its NATS, HTTP producers and link API listen there. */
  address: string;
  natsUrl: string;
  /** Leaves only: toxiproxy's API for the site's link. */
  linkApi?: string;
  host: { id: string; service: Service };
}

export interface RunningSitesLattice {
  lattice: string;
  sites: RunningSite[];
  /** host:port of the hub's registry, plain http. */
  registry: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * The continuum on one machine: the hub site runs NATS (JetStream, domain = its name), wadm, the
 * registry and a host; every other site runs its own NATS as a leaf of the hub, through toxiproxy,
 * and its own host. Each site lives in a network namespace of its own (see network.ts).
 */
export async function startSitesLattice(o: SitesLatticeOptions): Promise<RunningSitesLattice> {
  const say = o.onProgress ?? (() => {});
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "pelato-sites-"));
  mkdirSync(dir, { recursive: true });
  const [natsBin, wadmBin, hostBin, registryBin, toxiproxyBin] = await Promise.all([
    latticeBinary("nats-server", say),
    latticeBinary("wadm", say),
    latticeBinary("wasmcloud-host", say),
    latticeBinary("registry", say),
    latticeBinary("toxiproxy", say),
  ]);
  const subnet = await claimSubnet();
  const services: Service[] = [];
  const connections: NatsConnection[] = [];
  let network: SiteNetwork | undefined;
  let stopped = false;
  const stop = async () => {
    stopped = true;
    await Promise.all(connections.map((c) => c.close().catch(() => {})));
    // Hosts first (they tell wadm they stop), then everything else, the NATS servers last.
    const order = [(s: Service) => s.name.startsWith("host-"), (s: Service) => !s.name.startsWith("host-") && !s.name.startsWith("nats-"), (s: Service) => s.name.startsWith("nats-")];
    for (const group of order) await Promise.all(services.filter(group).map((s) => s.stop()));
    await network?.remove();
    releaseSubnet(subnet);
  };
  try {
    network = await createSiteNetwork(o.sites, subnet);
    const net = network;
    const placed = (site: Site) => net.sites.find((p) => p.site === site)!;
    const hub = placed(hubOf(o.sites));
    const registry = `${hub.address}:${REGISTRY_PORT}`;
    const start = (name: string, site: Site, bin: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
      // A leaf still starting when another failed must not start anything after the stop.
      if (stopped) throw new RuntimeFailure(`not starting ${name}: the lattice is stopping`);
      const s = startService(name, bin, args, env, dir, net.exec(site));
      services.push(s);
      return s;
    };
    const startNats = async (site: Site, extra: { leafRemote?: string; deny?: readonly string[] }) => {
      const { address } = placed(site);
      const conf = join(dir, `nats-${site.name}.conf`);
      writeFileSync(conf, natsConfig({ site, address, storeDir: join(dir, `js-${site.name}`), ...extra }));
      const service = start(`nats-${site.name}`, site, natsBin, ["-c", conf]);
      const nc = await waitFor(`${site.name}'s nats-server`, () => connect({ servers: `nats://${address}:${CLIENT_PORT}`, name: `pelatod-lattice-${site.name}` }), undefined, { service, signal: o.signal });
      connections.push(nc);
      return nc;
    };
    const startHost = async (site: Site, control: NatsConnection) => {
      const name = `host-${site.name}`;
      const labels = { "host-type": site.tier, site: site.name };
      const settings = { lattice: o.lattice, natsHost: "127.0.0.1", natsPort: CLIENT_PORT, registry, labels, jsDomain: hubOf(o.sites).jsDomain, ...(o.heartbeatSeconds ? { heartbeatSeconds: o.heartbeatSeconds } : {}) };
      const service = start(name, site, hostBin, [], hostEnvironment(settings, hostTmp(dir, name)));
      const id = await waitFor(`${site.name}'s wasmCloud host`, () => hostIdOf(control, o.lattice, labels, () => true), undefined, { service, signal: o.signal });
      return { id, service };
    };

    say(`sites on 10.213.${subnet}.0/24: ${net.sites.map((p) => `${p.site.name} ${p.address}`).join(", ")}`);
    const control = await startNats(hub.site, {});
    writeFileSync(join(dir, "registry.yml"), registryConfig(registry, join(dir, "registry")));
    const registryService = start("registry", hub.site, registryBin, ["serve", join(dir, "registry.yml")]);
    const wadm = start("wadm", hub.site, wadmBin, ["--nats-server", `127.0.0.1:${CLIENT_PORT}`, ...(o.cleanupSeconds ? ["--cleanup-interval", String(o.cleanupSeconds)] : [])], { ...process.env, WADM_LOG: "warn" });
    await waitFor("the registry", () => registryAnswers(registry), undefined, { service: registryService, signal: o.signal });
    await waitFor("wadm", () => control.request(`wadm.api.${o.lattice}.model.get`, "", { timeout: 1000 }), undefined, { service: wadm, signal: o.signal });
    // A leaf's host reads the lattice's buckets, which the hub's first host creates: a leaf host
    // started before they exist fails with "failed to start host".
    const hubHost = await startHost(hub.site, control);
    const starting = await Promise.allSettled(
      net.sites
        .filter((p) => !p.site.hub)
        .map(async (p) => {
          const linkApi = `http://${p.address}:${LINK_API_PORT}`;
          const proxyConf = join(dir, `link-${p.site.name}.json`);
          writeFileSync(proxyConf, linkProxyConfig(`127.0.0.1:${LEAF_PORT}`, `${hub.address}:${LEAF_PORT}`));
          const proxy = start(`link-${p.site.name}`, p.site, toxiproxyBin, ["-host", p.address, "-port", String(LINK_API_PORT), "-config", proxyConf]);
          const proxyUp = async () => {
            const r = await fetch(`${linkApi}/proxies`, { signal: AbortSignal.timeout(2000) });
            if (!r.ok) throw new Error(`HTTP ${r.status}`);
          };
          await waitFor(`${p.site.name}'s link proxy`, proxyUp, undefined, { service: proxy, signal: o.signal });
          const nc = await startNats(p.site, { leafRemote: `nats-leaf://127.0.0.1:${LEAF_PORT}`, deny: o.deny?.get(p.site.tier) ?? [] });
          await waitFor(`${p.site.name}'s leaf link`, () => nc.request(`$JS.${hub.site.jsDomain}.API.INFO`, "", { timeout: 1000 }), undefined, { signal: o.signal });
          return { ...p, linkApi, host: await startHost(p.site, control) };
        }),
    );
    const failed = starting.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    const leaves = starting.map((r) => (r as PromiseFulfilledResult<(typeof net.sites)[number] & { linkApi: string; host: { id: string; service: Service } }>).value);
    const sites: RunningSite[] = [{ ...hub, host: hubHost }, ...leaves].map((p) => ({
      site: p.site,
      address: p.address,
      natsUrl: `nats://${p.address}:${CLIENT_PORT}`,
      ...("linkApi" in p ? { linkApi: p.linkApi } : {}),
      host: p.host,
    }));
    const record: SitesRecord = {
      pid: process.pid,
      subnet,
      lattice: o.lattice,
      registryUrl: `http://${registry}`,
      logs: dir,
      sites: sites.map((s) => ({ name: s.site.name, tier: s.site.tier, hub: s.site.hub, natsUrl: s.natsUrl, jsDomain: s.site.jsDomain, address: s.address, ...(s.linkApi ? { linkApi: s.linkApi } : {}) })),
    };
    writeRecord(record);
    say(`lattice ${o.lattice} up: ${sites.map((s) => `${s.site.name} (${s.site.tier}) ${s.natsUrl}`).join(", ")}; registry ${registry}`);
    return {
      lattice: o.lattice,
      sites,
      registry,
      dir,
      stop: async () => {
        await stop();
        if (!o.dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stop();
    if (err instanceof Error) err.message += `\n(the lattice's logs: ${dir})`;
    throw err;
  }
}
