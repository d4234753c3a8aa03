import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, type ConsumerConfig, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { nanos, type NatsConnection } from "@nats-io/nats-core";
import { RuntimeFailure } from "../errors.js";
import { queueGroup, sinkDeliverSubject, TEMPLATES } from "../render/index.js";
import { streamLimits, type Project, type StreamLimits } from "../workflow/index.js";
import { streamName } from "./plan.js";
import { limitedStream, unlessNotFound } from "./apply.js";

/** A postgres sink's durable consumer: it pushes the topic's messages to the task's readers, which acknowledge each once its rows are committed. */
export interface SinkConsumer {
  durable: string;
  deliverSubject: string;
  deliverGroup: string;
}

/** The stream that holds a topic's messages until every postgres sink reading it has stored them. */
export interface SinkStream {
  name: string;
  topic: string;
  limits: StreamLimits;
  consumers: SinkConsumer[];
}

export interface SinkPlan {
  /** Buckets of the kv tasks. */
  buckets: string[];
  streams: SinkStream[];
}

/**
 * Redeliveries wait this long for an acknowledgement: longer than a message may wait in its
 * reader behind the batches in flight, each bounded by the statement timeout (4 s in the local
 * host, 10 s in pelatod's provider). Readers answer every message they handle, a failed batch
 * included; this is how soon a message comes back whose reader died.
 */
const ACK_WAIT_MS = 30_000;
/**
 * Messages a sink may hold unacknowledged: enough for a reader's batches in flight
 * (src/host/sink-batching.ts: 2 of up to 256) and the next ones gathering behind them, few
 * enough that a slow database does not leave messages queued past the ack wait.
 */
const MAX_ACK_PENDING = 1024;

/** What JetStream must hold before the project's sinks are deployed. Pure. */
export function planSinks(project: Project): SinkPlan {
  const buckets = [...new Set(project.tasks.filter((t) => TEMPLATES[t.type].sink === "kv").map((t) => t.bucket!))].sort();
  const byTopic = new Map<string, SinkConsumer[]>();
  for (const t of project.tasks.filter((x) => TEMPLATES[x.type].sink === "postgres")) {
    const list = byTopic.get(t.source_topic!) ?? [];
    list.push({ durable: t.component_name, deliverSubject: sinkDeliverSubject(t.component_name), deliverGroup: queueGroup(t.component_name) });
    byTopic.set(t.source_topic!, list);
  }
  const streams = [...byTopic].sort(([a], [b]) => a.localeCompare(b)).map(([topic, consumers]) => ({ name: sinkStreamName(topic), topic, limits: streamLimits(project, topic), consumers }));
  return { buckets, streams };
}

const SINK_STREAM_PREFIX = "PELATO_SINK_";

/** The sink stream of a topic: named as the crossings' streams are, with a prefix of its own. */
export function sinkStreamName(topic: string): string {
  return streamName(topic, SINK_STREAM_PREFIX);
}

export interface SinkSetUpOptions {
  project: string;
  /** The JetStream domain of the lattice's NATS (NATS_JS_DOMAIN, or the hub's on sites). */
  domain?: string;
  timeoutMs: number;
  onStep?: (step: { kind: "bucket" | "stream" | "consumer"; name: string; action: "created" | "updated" | "unchanged" }) => void;
}

/** Creates the kv tasks' buckets and the postgres sinks' streams and consumers that are missing. */
export async function ensureSinks(nc: NatsConnection, plan: SinkPlan, o: SinkSetUpOptions): Promise<void> {
  if (plan.buckets.length === 0 && plan.streams.length === 0) return;
  const where = o.domain ? ` in JetStream domain "${o.domain}"` : "";
  const domain = o.domain ? { domain: o.domain } : {};
  const jsm = await jetstreamManager(nc, { timeout: o.timeoutMs, ...domain }).catch((err: Error) => {
    throw new RuntimeFailure(`JetStream${where} cannot be reached (${err.message}; deadline ${o.timeoutMs / 1000} s): the kv and postgres tasks need it; nothing was deployed`, { cause: err });
  });
  const kvm = new Kvm(jetstream(nc, { timeout: o.timeoutMs, ...domain }));
  for (const bucket of plan.buckets) {
    const existed = (await unlessNotFound(jsm.streams.info(`KV_${bucket}`), `the key-value bucket "${bucket}"${where}`)) !== undefined;
    if (!existed) {
      await kvm.create(bucket).catch((err: Error) => {
        throw new RuntimeFailure(`cannot create the key-value bucket "${bucket}"${where}: ${err.message}; nothing was deployed`, { cause: err });
      });
    }
    o.onStep?.({ kind: "bucket", name: bucket, action: existed ? "unchanged" : "created" });
  }
  for (const s of plan.streams) {
    await ensureSinkStream(jsm, s, o.project, where, o.onStep);
    for (const c of s.consumers) await ensureSinkConsumer(jsm, s, c, where, o.onStep);
  }
}

async function ensureSinkStream(jsm: JetStreamManager, s: SinkStream, project: string, where: string, onStep: SinkSetUpOptions["onStep"]): Promise<void> {
  const wanted: Partial<StreamConfig> & { name: string } = {
    ...limitedStream(s.name, s.limits, project),
    subjects: [s.topic],
    // A message stays until every sink reading the topic has acknowledged it, within the limits.
    retention: RetentionPolicy.Interest,
    // A request on the topic is answered by whoever handles it, never by the stream's PubAck.
    no_ack: true,
  };
  const current = (await unlessNotFound(jsm.streams.info(s.name), `stream ${s.name}${where}`))?.config;
  try {
    if (!current) await jsm.streams.add(wanted);
    else if (streamDiffers(current, wanted)) await jsm.streams.update(s.name, { ...current, max_age: wanted.max_age!, max_bytes: wanted.max_bytes!, no_ack: true });
  } catch (err) {
    const overlap = /overlap/i.test((err as Error).message) ? ` (another stream already captures "${s.topic}"${where}: a topic is captured by one stream only)` : "";
    throw new RuntimeFailure(`cannot set up stream ${s.name} for topic "${s.topic}"${where}: ${(err as Error).message}${overlap}; nothing was deployed`, { cause: err });
  }
  onStep?.({ kind: "stream", name: s.name, action: !current ? "created" : streamDiffers(current, wanted) ? "updated" : "unchanged" });
}

function streamDiffers(current: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  return current.max_age !== wanted.max_age || current.max_bytes !== wanted.max_bytes || current.no_ack !== true;
}

async function ensureSinkConsumer(jsm: JetStreamManager, s: SinkStream, c: SinkConsumer, where: string, onStep: SinkSetUpOptions["onStep"]): Promise<void> {
  const wanted: Partial<ConsumerConfig> = {
    durable_name: c.durable,
    deliver_subject: c.deliverSubject,
    deliver_group: c.deliverGroup,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ACK_WAIT_MS),
    max_ack_pending: MAX_ACK_PENDING,
    deliver_policy: DeliverPolicy.All,
    filter_subject: s.topic,
  };
  const current = await unlessNotFound(jsm.consumers.info(s.name, c.durable), `consumer ${c.durable} of ${s.name}${where}`);
  if (current && current.config.deliver_subject === c.deliverSubject && current.config.deliver_group === c.deliverGroup && current.config.ack_wait === wanted.ack_wait && current.config.max_ack_pending === MAX_ACK_PENDING) {
    onStep?.({ kind: "consumer", name: `${s.name}/${c.durable}`, action: "unchanged" });
    return;
  }
  try {
    // Updating in place keeps what the sink has not acknowledged yet.
    if (current) await jsm.consumers.update(s.name, c.durable, { deliver_subject: c.deliverSubject, ack_wait: wanted.ack_wait!, max_ack_pending: MAX_ACK_PENDING } as never);
    else await jsm.consumers.add(s.name, wanted);
  } catch (err) {
    throw new RuntimeFailure(`cannot set up consumer ${c.durable} on stream ${s.name}${where}: ${(err as Error).message}; nothing was deployed`, { cause: err });
  }
  onStep?.({ kind: "consumer", name: `${s.name}/${c.durable}`, action: current ? "updated" : "created" });
}

/**
 * After a postgres task's application is removed: its durable consumer goes, and its topic's
 * stream too once no sink reads it (interest retention would otherwise keep capturing the topic
 * for nobody). Returns what was deleted. Buckets are data: they stay.
 */
export async function removeSinkConsumers(nc: NatsConnection, apps: readonly string[], o: { domain?: string; timeoutMs: number }): Promise<string[]> {
  if (apps.length === 0) return [];
  const jsm = await jetstreamManager(nc, { timeout: o.timeoutMs, ...(o.domain ? { domain: o.domain } : {}) });
  const deleted: string[] = [];
  for await (const info of jsm.streams.list()) {
    const stream = info.config.name;
    if (!stream.startsWith(SINK_STREAM_PREFIX)) continue;
    const before = deleted.length;
    for (const app of apps) {
      if (await unlessNotFound(jsm.consumers.delete(stream, app), `consumer ${app} of ${stream}`, "delete")) deleted.push(`${stream}/${app}`);
    }
    // Only a stream this removal left unread: another one may be between its creation and its consumer's.
    if (deleted.length > before && (await jsm.streams.info(stream)).state.consumer_count === 0 && (await jsm.streams.delete(stream))) deleted.push(stream);
  }
  return deleted;
}
