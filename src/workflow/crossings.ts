import { subjectMatches } from "./pipeline.js";
export { HUB_TIER } from "../sites.js";
import type { Project, StreamLimitsSpec, Task } from "./types.js";

export interface StreamLimits {
  maxAgeSeconds: number;
  maxBytes: number;
}

/** A topic published on a leaf tier and read only on the hub: it crosses the WAN through JetStream. */
export interface Crossing {
  topic: string;
  fromTier: string;
  toTier: string;
  /** Names of the tasks on `fromTier` that publish `topic`. */
  producers: string[];
  /** Names of the tasks on `toTier` whose source_topic matches `topic`. */
  consumers: string[];
  limits: StreamLimits;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = Object.freeze({ maxAgeSeconds: 86_400, maxBytes: 64 * 1024 * 1024 });


/** The topics that must cross from a leaf tier to `hubTier`, sorted by topic, then tier. */
export function crossingTopics(project: Project, hubTier: string): Crossing[] {
  const crossings: Crossing[] = [];
  const published = new Set(project.tasks.flatMap((t) => (t.dest_topic === undefined ? [] : [t.dest_topic])));
  for (const topic of [...published].sort()) {
    const readers = project.tasks.filter((t) => t.source_topic !== undefined && subjectMatches(topic, t.source_topic));
    const consumers = names(readers.filter((t) => t.targets.includes(hubTier)));
    if (consumers.length === 0) continue;
    const producers = project.tasks.filter((t) => t.dest_topic === topic);
    for (const fromTier of [...new Set(producers.flatMap((t) => t.targets))].sort()) {
      if (readers.some((t) => t.targets.includes(fromTier))) continue; // read where it is published (so the hub tier never crosses)
      const fromProducers = names(producers.filter((t) => t.targets.includes(fromTier)));
      crossings.push({ topic, fromTier, toTier: hubTier, producers: fromProducers, consumers, limits: streamLimits(project, topic) });
    }
  }
  return crossings;
}

/** Per leaf tier, the topics that cross from it: what its sites' links must deny. */
export function crossingTopicsByTier(crossings: readonly Crossing[]): Map<string, string[]> {
  const byTier = new Map<string, string[]>();
  for (const c of crossings) byTier.set(c.fromTier, [...new Set([...(byTier.get(c.fromTier) ?? []), c.topic])]);
  return byTier;
}

/** A topic's limits: its own entry under store_and_forward.topics, then the project's, then the defaults. */
export function streamLimits(project: Project, topic: string): StreamLimits {
  const spec = project.storeAndForward;
  return { ...DEFAULT_STREAM_LIMITS, ...limitsOf(spec), ...limitsOf(spec?.topics?.[topic]) };
}

function limitsOf(spec: StreamLimitsSpec | undefined): Partial<StreamLimits> {
  const limits: Partial<StreamLimits> = {};
  if (spec?.max_age_seconds !== undefined) limits.maxAgeSeconds = spec.max_age_seconds;
  if (spec?.max_bytes !== undefined) limits.maxBytes = spec.max_bytes;
  return limits;
}

function names(tasks: Task[]): string[] {
  return tasks.map((t) => t.name).sort();
}
