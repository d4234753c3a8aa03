import type { NatsConnection } from "@nats-io/nats-core";
import { hubOf, type Site } from "../sites.js";
import { ensureStreams, planStreams, type CrossingStreams, type EnsureOptions } from "../streams/index.js";
import { crossingTopics, type Project } from "../workflow/index.js";

/**
 * Before a deploy onto sites: the streams that carry each crossing topic from the leaves to the
 * hub, so that what an edge task publishes while its link is down reaches the cloud afterwards.
 * Without sites (one NATS for all), nothing crosses a link and there is nothing to set up.
 */
export async function setUpCrossings(nc: NatsConnection, project: Project, sites: readonly Site[] | undefined, o: Omit<EnsureOptions, "project">): Promise<CrossingStreams[]> {
  if (!sites) return [];
  const plans = planStreams(crossingTopics(project, hubOf(sites).tier), sites);
  await ensureStreams(nc, plans, { ...o, project: project.name });
  return plans;
}
