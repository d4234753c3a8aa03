import type { NatsConnection } from "@nats-io/nats-core";
import { findSitesLattice, type SitesRecord } from "../lattice/index.js";
import type { Site } from "../sites.js";
import { inspectSites, planStreams } from "../streams/index.js";
import { crossingTopics, type Project } from "../workflow/index.js";
import type { Output } from "./output.js";

export interface SitesSection {
  text: string;
  doc: Record<string, unknown>;
}

/**
 * status on sites: each site's reachability and when it was last heard of, each crossing topic's
 * backlog, limits and losses per leaf, and whether the leaves' links deny the crossing topics (so
 * that they cross only through JetStream, never twice).
 */
export async function sitesSection(nc: NatsConnection, project: Project, sites: Site[], timeoutMs: number, servers: string[], out: Output): Promise<SitesSection> {
  const hub = sites.find((s) => s.hub)!;
  const crossings = crossingTopics(project, hub.tier);
  const plans = planStreams(crossings, sites);
  const report = await inspectSites(nc, sites, plans, timeoutMs);
  const topics = [...new Set(crossings.map((c) => c.topic))];
  const leafLinks = topics.length === 0 ? [] : await leafDenials(sites, topics, servers);
  const c = out.color;
  const ago = (iso?: string) => (iso ? `last seen ${Math.round((Date.now() - Date.parse(iso)) / 1000)} s ago` : "never seen from here");
  const lines = [
    "SITES",
    ...report.sites.map((s) => `  ${s.name.padEnd(10)} ${s.tier.padEnd(6)} ${s.hub ? "hub " : "leaf"}  ${s.reachable ? c.green("reachable") : `${c.red("unreachable")} (${ago(s.lastSeen)})`}`),
  ];
  if (plans.length > 0) {
    lines.push("CROSSING TOPICS (store and forward, leaf → hub)");
    for (const plan of plans) {
      const l = plan.crossing.limits;
      lines.push(`  ${plan.crossing.topic} ${c.dim(`stream ${plan.forward.name}, keeps ${l.maxAgeSeconds} s / ${l.maxBytes} bytes per leaf`)}`);
      for (const r of report.crossings.filter((x) => x.topic === plan.crossing.topic)) {
        const backlog = r.backlog === undefined ? "backlog unknown (leaf unreachable)" : `backlog ${r.backlog}`;
        const warn = [r.dropped > 0 ? c.red(`${r.dropped} dropped by the limits before crossing`) : "", r.nearLimit ? c.yellow("near its limits: the oldest will be dropped next") : ""].filter(Boolean);
        lines.push(`    from ${r.site.padEnd(10)} ${backlog}${warn.length ? `  ${warn.join("; ")}` : ""}`);
      }
    }
  }
  for (const link of leafLinks.filter((x) => x.missing.length > 0)) {
    lines.push(c.red(`${link.site}'s leaf link does not deny ${link.missing.join(", ")}: those messages cross twice (core NATS and JetStream). Add to its remote: deny_exports: ${JSON.stringify(topics)}, deny_imports: ${JSON.stringify(topics)}`));
  }
  if (topics.length > 0 && leafLinks.length === 0) {
    lines.push(c.dim(`each leaf's remote to the hub must deny the crossing topics, so they cross only through JetStream: deny_exports: ${JSON.stringify(topics)}, deny_imports: ${JSON.stringify(topics)}`));
  }
  return { text: lines.join("\n"), doc: { sites: report.sites, crossings: report.crossings, leafLinks } };
}

/** Checks the dev lattice's leaves (the one `lattice up --sites` runs for these servers) through their monitoring port. */
export async function leafDenials(sites: Site[], topics: string[], servers: string[]): Promise<Array<{ site: string; missing: string[] }>> {
  let record: SitesRecord;
  try {
    record = findSitesLattice();
  } catch {
    return [];
  }
  if (!servers.includes(record.sites.find((s) => s.hub)?.natsUrl ?? "")) return [];
  const checks = record.sites
    .filter((s) => !s.hub && sites.some((x) => x.name === s.name))
    .map(async (s) => {
      const varz = (await fetch(`http://${s.address}:8222/varz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.json()).catch(() => undefined)) as { leaf?: { remotes?: Array<{ deny?: { exports?: string[]; imports?: string[] } }> } } | undefined;
      if (!varz) return undefined;
      const deny = varz.leaf?.remotes?.[0]?.deny;
      return { site: s.name, missing: topics.filter((t) => !deny?.exports?.includes(t) || !deny?.imports?.includes(t)) };
    });
  return (await Promise.all(checks)).filter((x): x is { site: string; missing: string[] } => x !== undefined);
}
