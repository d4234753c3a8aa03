import { createHash } from "node:crypto";
import type { Site } from "../sites.js";
import type { Crossing, StreamLimits } from "../workflow/index.js";

export const PROJECT_METADATA = "pelato.dev/project";

/** A stream pelatod keeps in one JetStream domain. */
export interface StreamSpec {
  domain: string;
  name: string;
  topic: string;
  limits: StreamLimits;
  /** Capture: the leaf's stream of what its tasks publish on `topic`. */
  subjects?: string[];
  /** Forward: the hub's stream that sources the leaves' captures and republishes them on `topic`. */
  sources?: Array<{ name: string; domain: string; consumer: DurableSource }>;
  /** Capture: the durable consumer the hub sources through (see durableSource). */
  consumer?: DurableSource;
}

/** A durable consumer on a leaf's capture that the hub's forward stream sources through. */
export interface DurableSource {
  name: string;
  deliverSubject: string;
}

/** One crossing topic: a capture in every leaf site of its tier, a forward at the hub. */
export interface CrossingStreams {
  crossing: Crossing;
  captures: StreamSpec[];
  forward: StreamSpec;
}

/**
 * Store and forward for each crossing: what a leaf's tasks publish is kept in the leaf's own
 * domain while the link is down; the hub sources it over the link when it is up (resuming where
 * it stopped, so each message crosses once, in order) and republishes it where the hub's tasks
 * read it. Crossings of the same topic from several tiers share the hub's stream.
 */
export function planStreams(crossings: readonly Crossing[], sites: readonly Site[]): CrossingStreams[] {
  const hub = sites.find((s) => s.hub)!;
  const plans: CrossingStreams[] = [];
  for (const crossing of crossings) {
    const name = streamName(crossing.topic);
    const captures = sites
      .filter((s) => !s.hub && s.tier === crossing.fromTier)
      .map((s) => ({ domain: s.jsDomain, name, topic: crossing.topic, limits: crossing.limits, subjects: [crossing.topic], consumer: durableSource(name, hub, s) }));
    if (captures.length === 0) continue;
    const shared = plans.find((p) => p.forward.topic === crossing.topic);
    if (shared) {
      shared.captures.push(...captures);
      shared.forward.sources!.push(...captures.map(sourceOf));
      continue;
    }
    const forward = { domain: hub.jsDomain, name, topic: crossing.topic, limits: crossing.limits, sources: captures.map(sourceOf) };
    plans.push({ crossing, captures, forward });
  }
  return plans;
}

function sourceOf(capture: StreamSpec & { consumer: DurableSource }) {
  return { name: capture.name, domain: capture.domain, consumer: capture.consumer };
}

/**
 * Durable sourcing (nats-server 2.14+): the hub sources each capture through a consumer that lives
 * at the leaf and pushes to a subject that crosses the link. When the link returns, the first
 * heartbeat on that subject makes the hub resume at once, where the leaf's consumer stopped;
 * sourcing through a consumer the hub creates itself waits out a back-off that grows with every
 * failure during the outage (26 s to drain after a 30 s outage, measured).
 */
function durableSource(stream: string, hub: Site, leaf: Site): DurableSource {
  return { name: `PELATO_TO_${hub.jsDomain}`, deliverSubject: `pelato.forward.${hub.jsDomain}.${leaf.jsDomain}.${stream}` };
}

/** A stream name for a topic: readable, free of the characters stream names refuse, and unique per topic. */
export function streamName(topic: string, prefix = "PELATO_"): string {
  const readable = topic.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 32);
  return `${prefix}${readable}_${createHash("sha256").update(topic).digest("hex").slice(0, 8)}`;
}
