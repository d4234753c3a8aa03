import type { Site } from "../sites.js";
import { MONITOR_PORT } from "./nats-config.js";
import { findSitesLattice } from "./state.js";

export interface LeafLinkCheck {
  site: string;
  /** Crossing topics its link to the hub does not deny both ways. */
  missing: string[];
}

/**
 * Which of the dev lattice's leaf links (the `lattice up --sites` serving these NATS servers) lack
 * the denials of the crossing topics of their tier, read from each leaf's monitoring port.
 * Undefined when no such lattice runs: your own servers' configuration cannot be read from here.
 */
export async function checkLeafLinks(sites: readonly Site[], crossing: ReadonlyMap<string, readonly string[]>, servers: readonly string[]): Promise<LeafLinkCheck[] | undefined> {
  let record;
  try {
    record = findSitesLattice();
  } catch {
    return undefined;
  }
  if (!servers.includes(record.sites.find((s) => s.hub)?.natsUrl ?? "")) return undefined;
  const checks = record.sites
    .filter((s) => !s.hub && (crossing.get(s.tier)?.length ?? 0) > 0 && sites.some((x) => x.name === s.name))
    .map(async (s) => {
      const topics = crossing.get(s.tier)!;
      const varz = (await fetch(`http://${s.address}:${MONITOR_PORT}/varz`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.json())
        .catch(() => undefined)) as { leaf?: { remotes?: Array<{ deny?: { exports?: string[]; imports?: string[] } }> } } | undefined;
      const deny = varz?.leaf?.remotes?.[0]?.deny;
      return { site: s.name, missing: varz ? topics.filter((t) => !deny?.exports?.includes(t) || !deny?.imports?.includes(t)) : [...topics] };
    });
  return Promise.all(checks);
}

/** The lines to add to a leaf's remote to the hub so that these topics cross only through JetStream. */
export function leafDenySnippet(topics: readonly string[]): string {
  const list = JSON.stringify(topics);
  return `deny_exports: ${list}, deny_imports: ${list}`;
}
