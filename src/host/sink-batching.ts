import type { SinkOutcome } from "./protocol.js";

/**
 * How a postgres sink's messages are read from its JetStream consumer and handed to the component
 * in batches (pelato:sink/rows#store), and what is answered for each: the local host's reader
 * (sink-reader.ts) and pelatod's provider (toolchain/postgres-provider/src/sink.rs) follow the
 * same rules. Pure.
 */
export const SINK_BATCH = {
  /** Batches handed to the component at once. */
  inFlight: 2,
  /** Largest batch, in messages. */
  messages: 256,
  /** A reader's first batches are at most this many messages; they grow while batches are quick. */
  firstLimit: 32,
  /** Largest batch, in bytes of bodies (a single larger message still goes, alone). */
  bytes: 1 << 20,
  /**
   * How long a batch should take: well under the time a reader waits for one (the local host's
   * 5 s per delivery, the provider's 12 s), so that a slow exec_task or a slow table makes
   * smaller batches rather than batches that time out (and may commit after their reader gave up).
   */
  targetMs: 1000,
} as const;

/**
 * The size limit of a reader's next batch, from how its last one went: halved (down to 1) when
 * it failed, met a database that could not take it, or took longer than the target; doubled (up
 * to SINK_BATCH.messages) when it was full and took under a quarter of the target.
 */
export function nextBatchLimit(limit: number, last: { messages: number; ms: number; failed: boolean }): number {
  if (last.failed || last.ms > SINK_BATCH.targetMs) return Math.max(1, Math.floor(Math.min(limit, last.messages) / 2));
  if (last.messages >= limit && last.ms < SINK_BATCH.targetMs / 4) return Math.min(SINK_BATCH.messages, limit * 2);
  return limit;
}

/** A message the JetStream consumer pushed: its body and the subject its answer goes to. */
export interface SinkMessage {
  body: Uint8Array;
  reply: string;
  /** Its place in the stream: a redelivery of a message still waiting replaces it. */
  streamSeq: number;
  /** How many times JetStream has delivered it, this time included. */
  delivered: number;
  /** Handed to the component on its own: its batch failed as a whole, or it did before. */
  alone: boolean;
}

/**
 * Reads `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp>.<pending>`,
 * or the form with a domain and an account hash after `$JS.ACK` (12 tokens; 11 in older servers).
 */
export function ackInfo(reply: string): { delivered: number; streamSeq: number } | undefined {
  const t = reply.split(".");
  if (t[0] !== "$JS" || t[1] !== "ACK" || t.length < 9) return undefined;
  const at = t.length >= 11 ? 6 : 4;
  const delivered = Number(t[at]);
  const streamSeq = Number(t[at + 1]);
  return Number.isSafeInteger(delivered) && delivered > 0 && Number.isSafeInteger(streamSeq) ? { delivered, streamSeq } : undefined;
}

/** Asked for again after 250 ms, doubling with each delivery, up to 4 s. */
export function retryDelayMs(delivered: number): number {
  return Math.min(4000, 250 * 2 ** Math.min(4, Math.max(0, delivered - 1)));
}

/** Until the schema or the grants are fixed, a message is asked for again this often. */
export const SCHEMA_RETRY_MS = 30_000;

/**
 * A message on which the component itself failed this many times, alone (a trap: TinyGo cannot
 * recover a panic; or it never finished), is dropped: it would fail for ever.
 */
export const FAILURES_BEFORE_DROP = 5;

/**
 * The answer to JetStream for one message: its outcome; or, when the component gave none,
 * "unreached" (it could not be invoked: it may be being redeployed) or "failed" (it failed on
 * this message alone).
 */
export function ackBody(outcome: SinkOutcome | "unreached" | "failed", delivered: number): string {
  const nak = (ms: number) => `-NAK {"delay":${ms * 1_000_000}}`;
  if (outcome === "failed" && delivered >= FAILURES_BEFORE_DROP) return "+TERM";
  if (outcome === "failed" || outcome === "unreached") return nak(retryDelayMs(delivered));
  switch (outcome.tag) {
    case "stored":
      return "+ACK";
    case "unavailable":
      return nak(retryDelayMs(delivered));
    case "waiting-for-schema":
      return nak(SCHEMA_RETRY_MS);
    case "rejected":
      return "+TERM";
  }
}

const SUSPECTS_KEPT = 1024;

/**
 * The messages waiting for a batch, in the order they came. A message whose batch failed as a
 * whole (a TinyGo panic traps the instance) is tried alone, so that one poison message cannot
 * hold back the others; one that then fails alone stays a suspect, and goes alone when it comes back.
 */
export class SinkQueue {
  #waiting: SinkMessage[] = [];
  #suspects = new Set<number>();

  get length(): number {
    return this.#waiting.length;
  }

  /** Adds a delivery; a redelivery of one still waiting takes its place (its reply subject is the live one). */
  add(m: Omit<SinkMessage, "alone">): void {
    const message = { ...m, alone: this.#suspects.has(m.streamSeq) };
    const at = this.#waiting.findIndex((w) => w.streamSeq === m.streamSeq);
    if (at >= 0) this.#waiting[at] = { ...message, alone: message.alone || this.#waiting[at]!.alone };
    else this.#waiting.push(message);
  }

  /** The next batch: up to `limit` messages and SINK_BATCH.bytes, at least one message; a message to try alone goes alone. */
  take(limit: number = SINK_BATCH.messages): SinkMessage[] {
    const first = this.#waiting[0];
    if (!first) return [];
    if (first.alone) return this.#waiting.splice(0, 1);
    let n = 0;
    let bytes = 0;
    for (const m of this.#waiting) {
      if (m.alone || n >= limit || (n > 0 && bytes + m.body.length > SINK_BATCH.bytes)) break;
      bytes += m.body.length;
      n++;
    }
    return this.#waiting.splice(0, n);
  }

  /** A batch failed as a whole: its messages go back to the front, each to be tried alone. */
  retryAlone(batch: SinkMessage[]): void {
    this.#waiting.unshift(...batch.map((m) => ({ ...m, alone: true })));
  }

  /** A message failed alone: it goes alone again when it is delivered again. */
  suspect(streamSeq: number): void {
    this.#suspects.add(streamSeq);
    if (this.#suspects.size > SUSPECTS_KEPT) this.#suspects.delete(this.#suspects.values().next().value!);
  }

  /** Empties the queue, for a stop: what was waiting is given back. */
  drain(): SinkMessage[] {
    return this.#waiting.splice(0);
  }
}
