import { UsageError } from "./errors.js";

/** One site of the dev lattice: a NATS server and a wasmCloud host of one tier. */
export interface Site {
  name: string;
  tier: string;
  /** The hub runs JetStream's lattice buckets, wadm and the registry; the others are its leaves. */
  hub: boolean;
  /** Its JetStream domain: the site's name. */
  jsDomain: string;
}

/** The tier of the hub site; every other tier is a leaf joined to it. */
export const HUB_TIER = "cloud";
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_SITES = 16;

/**
 * `cloud,edge-1,edge-2:gateway`: each entry is NAME[:TIER]; the tier defaults to the name without
 * a trailing `-<n>`. The hub is the site whose tier is `cloud`, or else the first.
 */
export function parseSites(spec: string, source = "--sites"): Site[] {
  const entries = spec.split(",").map((s) => s.trim());
  if (entries.some((e) => e === "")) throw new UsageError(`${source} "${spec}": an empty site name`);
  if (entries.length > MAX_SITES) throw new UsageError(`${source}: at most ${MAX_SITES} sites on one machine, ${entries.length} given`);
  const sites = entries.map((entry) => {
    const [name, tier, ...rest] = entry.split(":");
    const given = tier ?? name!.replace(/-\d+$/, "");
    for (const [what, v] of [["site name", name!], ["tier", given]] as const) {
      if (rest.length > 0 || !NAME.test(v)) throw new UsageError(`${source}: ${what} "${entry}" must be lower-case letters, digits and single dashes, starting with a letter (NAME[:TIER])`);
    }
    return { name: name!, tier: given };
  });
  const seen = new Set<string>();
  for (const s of sites) {
    if (seen.has(s.name)) throw new UsageError(`${source}: site "${s.name}" is listed twice`);
    seen.add(s.name);
  }
  const hubs = sites.filter((s) => s.tier === HUB_TIER);
  if (hubs.length > 1) throw new UsageError(`${source}: two hubs (${hubs.map((h) => h.name).join(", ")}): only one site may have the tier "${HUB_TIER}"; the others join it as leaves`);
  const hub = hubs[0] ?? sites[0]!;
  return sites.map((s) => ({ ...s, hub: s === hub, jsDomain: s.name }));
}

export function hubOf(sites: readonly Site[]): Site {
  return sites.find((s) => s.hub)!;
}

/** The JetStream domain pelatod's buckets and sink streams live in: the hub's on sites, else NATS_JS_DOMAIN's. */
export function jetStreamDomain(config: { sites?: readonly Site[] | undefined; nats: { jsDomain?: string | undefined } }): string | undefined {
  return config.sites ? hubOf(config.sites).jsDomain : config.nats.jsDomain;
}

/** `cloud,edge-1:edge,…`: how PELATO_SITES carries the sites to brush, deploy and status. */
export function formatSites(sites: readonly Site[]): string {
  return sites.map((s) => `${s.name}:${s.tier}`).join(",");
}
