import { execa } from "execa";
import { RuntimeFailure, UsageError } from "../errors.js";
import type { Site } from "../sites.js";

/**
 * One network namespace per site, as on real gateways: each site's NATS server listens on the same
 * port of its own loopback, so one link config (the provider's default 127.0.0.1:4222) reaches the
 * local server at every site. The sites meet on a bridge inside a namespace of their own (the
 * "wan"), out of reach of this machine's firewall; this machine joins it with one address.
 */
export interface SiteNetwork {
  /** 10.213.<n>.0/24: one subnet per running dev lattice. */
  subnet: number;
  sites: Array<{ site: Site; namespace: string; address: string }>;
  /** The command prefix that runs a program inside a site's namespace. */
  exec(site: Site): string[];
  remove(): Promise<void>;
}

const ip = (args: string[]) => execa("ip", args);

/** Lays out the network of `subnet`, which the caller has claimed (see state.ts). */
export async function createSiteNetwork(sites: readonly Site[], subnet: number): Promise<SiteNetwork> {
  const prefix = `pelato-${subnet}`;
  // `_` is not allowed in site names: no site's namespace can be the bridge's.
  const wan = `${prefix}_wan`;
  const made: string[] = [];
  let linked = false;
  const remove = async () => {
    for (const ns of made.reverse()) await ip(["netns", "del", ns]).catch(() => {});
    // Only a link this call made: one that existed before belongs to someone else.
    if (linked) await ip(["link", "del", hostLink(subnet)]).catch(() => {});
  };
  try {
    await ip(["link", "add", hostLink(subnet), "type", "veth", "peer", "name", `${hostLink(subnet)}w`]).catch((err: { stderr?: string }) => {
      if (/Operation not permitted/i.test(err.stderr ?? "")) throw new UsageError("lattice up --sites makes a network namespace per site and needs root (CAP_NET_ADMIN); run it as root, or without --sites for one site on loopback");
      throw err;
    });
    linked = true;
    await ip(["netns", "add", wan]);
    made.push(wan);
    await ip(["-n", wan, "link", "add", "br0", "type", "bridge"]);
    await ip(["-n", wan, "link", "set", "br0", "up"]);
    await ip(["link", "set", `${hostLink(subnet)}w`, "netns", wan]);
    await ip(["-n", wan, "link", "set", `${hostLink(subnet)}w`, "master", "br0", "up"]);
    const hostAddress = `10.213.${subnet}.254`;
    await ip(["addr", "add", `${hostAddress}/24`, "dev", hostLink(subnet)]);
    await ip(["link", "set", hostLink(subnet), "up"]);
    const placed = [];
    for (const [i, site] of sites.entries()) {
      const namespace = `${prefix}-${site.name}`;
      const address = `10.213.${subnet}.${10 + i}`;
      const link = `pl${subnet}s${i}`;
      await ip(["netns", "add", namespace]);
      made.push(namespace);
      await ip(["-n", namespace, "link", "set", "lo", "up"]);
      await ip(["link", "add", link, "type", "veth", "peer", "name", `${link}w`]);
      await ip(["link", "set", link, "netns", namespace]);
      await ip(["link", "set", `${link}w`, "netns", wan]);
      await ip(["-n", wan, "link", "set", `${link}w`, "master", "br0", "up"]);
      await ip(["-n", namespace, "link", "set", link, "name", "eth0"]);
      await ip(["-n", namespace, "addr", "add", `${address}/24`, "dev", "eth0"]);
      await ip(["-n", namespace, "link", "set", "eth0", "up"]);
      placed.push({ site, namespace, address });
    }
    return { subnet, sites: placed, exec: (site) => ["ip", "netns", "exec", `${prefix}-${site.name}`], remove };
  } catch (err) {
    await remove();
    if (err instanceof UsageError) throw err;
    throw new RuntimeFailure(`cannot lay out the sites' network: ${(err as Error).message}`, { cause: err });
  }
}

function hostLink(subnet: number): string {
  return `pl${subnet}h`;
}

/** Removes what a dev lattice that died without stopping left: its namespaces and host link. */
export async function removeLeftovers(subnet: number): Promise<void> {
  for (const ns of await namespacesOf(subnet)) await ip(["netns", "del", ns]).catch(() => {});
  await ip(["link", "del", hostLink(subnet)]).catch(() => {});
}

/** Whether anything on this machine uses the subnet already: a namespace, the host link, an address or a route. */
export async function subnetInUse(subnet: number): Promise<boolean> {
  if ((await namespacesOf(subnet)).length > 0) return true;
  const [addresses, routes, links] = await Promise.all([ip(["-4", "-o", "addr"]), ip(["-4", "route"]), ip(["-o", "link"])]);
  const net = `10.213.${subnet}.`;
  return String(addresses.stdout).includes(net) || String(routes.stdout).includes(net) || new RegExp(`: ${hostLink(subnet)}[@:]`).test(String(links.stdout));
}

async function namespacesOf(subnet: number): Promise<string[]> {
  const list = await ip(["netns", "list"]).catch(() => ({ stdout: "" }));
  return String(list.stdout)
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((ns) => ns.startsWith(`pelato-${subnet}-`) || ns === `pelato-${subnet}_wan`);
}
