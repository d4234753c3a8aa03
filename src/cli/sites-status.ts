import type { NatsConnection } from "@nats-io/nats-core";
import { checkLeafLinks, leafDenySnippet } from "../lattice/index.js";
import { hubOf, type Site } from "../sites.js";
import { inspectSites, planStreams } from "../streams/index.js";
import { sitesLastSeen } from "../wadm/index.js";
import { crossingTopics, crossingTopicsByTier, type Project } from "../workflow/index.js";
import type { Output } from "./output.js";

export interface SitesSection {
  text: string;
  doc: Record<string, unknown>;
}

/**
 * status on sites: each site's reachability and when it was last heard of, each crossing topic's
 * backlog, limits and losses per leaf, and whether the leaves' links deny the crossing topics
 * (so that the hub's republishing cannot flow back into a leaf's capture).
 */
export async function sitesSection(nc: NatsConnection, project: Project, sites: Site[], lattice: string, timeoutMs: number, servers: string[], out: Output): Promise<SitesSection> {
  const hub = hubOf(sites);
  const crossings = crossingTopics(project, hub.tier);
  const deny = crossingTopicsByTier(crossings);
  const plans = planStreams(crossings, sites);
  const report = await inspectSites(nc, sites, plans, timeoutMs, await sitesLastSeen(nc, hub.jsDomain, lattice, timeoutMs));
  const leafLinks = plans.length > 0 ? await checkLeafLinks(sites, deny, servers) : [];
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
        const warn = [r.dropped > 0 ? c.red(`at least ${r.dropped} dropped by the limits before crossing`) : "", r.nearLimit ? c.yellow("near its limits: the oldest will be dropped next") : ""].filter(Boolean);
        lines.push(`    from ${r.site.padEnd(10)} ${backlog}${warn.length ? `  ${warn.join("; ")}` : ""}`);
      }
    }
  }
  for (const link of (leafLinks ?? []).filter((x) => x.missing.length > 0)) {
    lines.push(c.red(`${link.site}'s leaf link does not deny ${link.missing.join(", ")}: what the hub republishes flows back into its capture. Restart \`lattice up --sites\` with --project on this project`));
  }
  if (!leafLinks) {
    for (const [tier, topics] of deny) lines.push(c.dim(`each ${tier} site's leaf remote to the hub must have ${leafDenySnippet(topics)} (pelatod cannot read your servers' configuration)`));
  }
  return { text: lines.join("\n"), doc: { sites: report.sites, crossings: report.crossings, leafLinks: leafLinks ?? null } };
}
