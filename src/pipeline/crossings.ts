import type { NatsConnection } from "@nats-io/nats-core";
import { RuntimeFailure } from "../errors.js";
import { checkLeafLinks, type LeafLinkCheck } from "../lattice/index.js";
import { hubOf, type Site } from "../sites.js";
import { ensureStreams, planStreams, type CrossingStreams, type EnsureOptions } from "../streams/index.js";
import { crossingTopics, crossingTopicsByTier, type Project } from "../workflow/index.js";

export interface CrossingsSetUp {
  plans: CrossingStreams[];
  /** Per leaf tier, the topics its links must deny. */
  deny: Map<string, string[]>;
  /** The dev lattice's leaf links, checked; undefined when they cannot be read from here (your own servers). */
  leafLinks?: LeafLinkCheck[];
}

/**
 * Before a deploy onto sites: the streams that carry each crossing topic from the leaves to the
 * hub, so that what an edge task publishes while its link is down reaches the cloud afterwards.
 * Refused when a leaf's link does not deny the topic: the hub's republishing would then flow back
 * into that leaf's capture, and round again. Without sites there is nothing to set up.
 */
export async function setUpCrossings(nc: NatsConnection, project: Project, sites: readonly Site[] | undefined, o: Omit<EnsureOptions, "project"> & { servers: readonly string[] }): Promise<CrossingsSetUp> {
  if (!sites) return { plans: [], deny: new Map() };
  const crossings = crossingTopics(project, hubOf(sites).tier);
  const plans = planStreams(crossings, sites);
  const deny = crossingTopicsByTier(crossings);
  if (plans.length === 0) return { plans, deny };
  const leafLinks = await checkLeafLinks(sites, deny, o.servers);
  const open = (leafLinks ?? []).filter((l) => l.missing.length > 0);
  if (open.length > 0) {
    throw new RuntimeFailure(
      `${open.map((l) => `${l.site}'s leaf link does not deny ${l.missing.join(", ")}`).join("; ")}: with the streams in place, what the hub republishes would flow back into that site's capture, round and round. Restart \`pelatod lattice up --sites\` with --project on this project (it writes the denials), then deploy again; nothing was set up or deployed`,
    );
  }
  await ensureStreams(nc, plans, { ...o, project: project.name });
  return { plans, deny, ...(leafLinks ? { leafLinks } : {}) };
}
