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
        throw new RuntimeFailure(`JetStream domain "${domain}" cannot be reached (${err.message}; deadline ${timeoutMs / 1000} s): is that site's link up?`, { cause: err });
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
    const current = (await unlessNotFound(jsm.streams.info(spec.name), `stream ${spec.name} in JetStream domain "${spec.domain}"`))?.config;
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
    if (spec.consumer) await ensureDurableSource(jsm, spec);
    o.onStep?.({ stream: spec.name, domain: spec.domain, topic: spec.topic, action });
  }
}

/**
 * The leaf's consumer the hub sources through: acknowledged by flow control, as durable sourcing
 * requires. One that is not what it should be is replaced, resuming after what the hub already
 * acknowledged, so that nothing crosses twice.
 */
async function ensureDurableSource(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const { name, deliverSubject } = spec.consumer!;
  const current = await unlessNotFound(jsm.consumers.info(spec.name, name), `consumer ${name} of ${spec.name} in JetStream domain "${spec.domain}"`);
  const policy = (current?.config as { ack_policy?: string } | undefined)?.ack_policy;
  if (current && current.config.deliver_subject === deliverSubject && policy === "flow_control") return;
  if (current) await jsm.consumers.delete(spec.name, name);
  const resumeAt = current ? current.ack_floor.stream_seq + 1 : 0;
  const start = resumeAt > 1 ? { deliver_policy: "by_start_sequence", opt_start_seq: resumeAt } : { deliver_policy: "all" };
  const config = { durable_name: name, deliver_subject: deliverSubject, ack_policy: "flow_control", flow_control: true, idle_heartbeat: nanos(1000), max_ack_pending: 10_000, ...start };
  try {
    await jsm.consumers.add(spec.name, config as unknown as Parameters<JetStreamManager["consumers"]["add"]>[1]);
  } catch (err) {
    throw new RuntimeFailure(`cannot set up the consumer ${name} the hub sources ${spec.name} through in JetStream domain "${spec.domain}" (durable sourcing needs nats-server 2.14 or later): ${(err as Error).message}`, { cause: err });
  }
}

/** What every stream pelatod makes shares: its limits (oldest dropped first), on file, tagged with the project. */
export function limitedStream(name: string, limits: StreamSpec["limits"], project: string): Partial<StreamConfig> & { name: string } {
  return {
    name,
    max_age: nanos(limits.maxAgeSeconds * 1000),
    max_bytes: limits.maxBytes,
    discard: "old" as StreamConfig["discard"],
    storage: "file" as StreamConfig["storage"],
    num_replicas: 1,
    metadata: { [PROJECT_METADATA]: project },
  };
}

function streamConfig(spec: StreamSpec, project: string): Partial<StreamConfig> & { name: string } {
  return {
    ...limitedStream(spec.name, spec.limits, project),
    ...(spec.subjects ? { subjects: spec.subjects } : {}),
    ...(spec.sources
      ? {
          sources: spec.sources.map((s) => ({ name: s.name, external: { api: `$JS.${s.domain}.API`, deliver: "" }, consumer: { name: s.consumer.name, deliver_subject: s.consumer.deliverSubject } })),
          republish: { src: spec.topic, dest: spec.topic },
        }
      : {}),
  };
}

function differs(current: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  const key = (c: Partial<StreamConfig>) =>
    JSON.stringify([
      c.max_age,
      c.max_bytes,
      c.discard,
      c.storage,
      c.retention ?? "limits",
      c.max_msgs ?? -1,
      c.subjects ?? [],
      (c.sources ?? []).map((s) => [s.name, s.external?.api, (s as { consumer?: { deliver_subject?: string } }).consumer?.deliver_subject]).sort(),
      c.republish?.src,
      c.republish?.dest,
      c.metadata?.[PROJECT_METADATA],
    ]);
  return key(current) !== key(wanted);
}

/**
 * What JetStream says of a stream or consumer, or undefined when it has none by that name. Any
 * other failure (a deadline, a permission) is an error naming what could not be read: taking it
 * for "none" would try to create what is there, and report that instead.
 */
export function unlessNotFound<T>(request: Promise<T>, what: string, doing: "read" | "delete" = "read"): Promise<T | undefined> {
  return request.catch((err: unknown) => {
    if (notFound(err)) return undefined;
    throw new RuntimeFailure(`cannot ${doing} ${what}: ${(err as Error).message}`, { cause: err });
  });
}

/** JetStream's "stream not found" (10059) and "consumer not found" (10014). */
function notFound(err: unknown): boolean {
  const code = (err as { api_error?: { err_code?: number } }).api_error?.err_code ?? (err as { code?: string | number }).code;
  return code === 10059 || code === 10014 || code === "404" || code === 404 || /not found/i.test((err as Error).message ?? "");
}
