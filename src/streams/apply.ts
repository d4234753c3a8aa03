import { jetstreamManager, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/nats-core";
import { RuntimeFailure } from "../errors.js";
import { PROJECT_METADATA, type CrossingStreams, type StreamSpec } from "./plan.js";

export interface EnsureOptions {
  project: string;
  timeoutMs: number;
  onStep?: (step: { stream: string; domain: string; topic: string; action: "created" | "updated" | "unchanged" }) => void;
}

/** One JetStream manager per domain, each answering within the deadline or naming the site that did not. */
export function domainManagers(nc: NatsConnection, timeoutMs: number): (domain: string) => Promise<JetStreamManager> {
  const managers = new Map<string, Promise<JetStreamManager>>();
  return (domain) => {
    let m = managers.get(domain);
    if (!m) {
      m = jetstreamManager(nc, { domain, timeout: timeoutMs }).catch((err: Error) => {
        throw new RuntimeFailure(`JetStream domain "${domain}" did not answer within ${timeoutMs / 1000} s (${err.message}): is that site's link up?`, { cause: err });
      });
      managers.set(domain, m);
    }
    return m;
  };
}

/**
 * Creates or updates every stream of the plan: the leaves' captures first, so that the hub's
 * sources find them. A stream that already holds what it should is left alone (its backlog too).
 */
export async function ensureStreams(nc: NatsConnection, plans: readonly CrossingStreams[], o: EnsureOptions): Promise<void> {
  const manager = domainManagers(nc, o.timeoutMs);
  const specs = [...plans.flatMap((p) => p.captures), ...plans.map((p) => p.forward)];
  for (const spec of specs) {
    const jsm = await manager(spec.domain);
    const wanted = streamConfig(spec, o.project);
    const current = await jsm.streams.info(spec.name).then(
      (i) => i.config,
      () => undefined,
    );
    let action: "created" | "updated" | "unchanged" = "unchanged";
    try {
      if (!current) {
        await jsm.streams.add(wanted);
        action = "created";
      } else if (differs(current, wanted)) {
        await jsm.streams.update(spec.name, wanted);
        action = "updated";
      }
    } catch (err) {
      throw new RuntimeFailure(`cannot set up stream ${spec.name} for topic "${spec.topic}" in JetStream domain "${spec.domain}": ${(err as Error).message}`, { cause: err });
    }
    o.onStep?.({ stream: spec.name, domain: spec.domain, topic: spec.topic, action });
  }
}

export function streamConfig(spec: StreamSpec, project: string): Partial<StreamConfig> & { name: string } {
  return {
    name: spec.name,
    max_age: nanos(spec.limits.maxAgeSeconds * 1000),
    max_bytes: spec.limits.maxBytes,
    discard: "old" as StreamConfig["discard"],
    storage: "file" as StreamConfig["storage"],
    num_replicas: 1,
    metadata: { [PROJECT_METADATA]: project },
    ...(spec.subjects ? { subjects: spec.subjects } : {}),
    ...(spec.sources
      ? {
          sources: spec.sources.map((s) => ({ name: s.name, external: { api: `$JS.${s.domain}.API`, deliver: "" } })),
          republish: { src: spec.topic, dest: spec.topic },
        }
      : {}),
  };
}

function differs(current: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  const key = (c: Partial<StreamConfig>) =>
    JSON.stringify([c.max_age, c.max_bytes, c.subjects ?? [], (c.sources ?? []).map((s) => [s.name, s.external?.api]).sort(), c.republish?.src, c.republish?.dest, c.metadata?.[PROJECT_METADATA]]);
  return key(current) !== key(wanted);
}
