import type { Msg, NatsConnection, Subscription } from "@nats-io/nats-core";
import type { SinkOutcome } from "./protocol.js";
import { ackBody, ackInfo, FAILURES_BEFORE_DROP, nextBatchLimit, SINK_BATCH, SinkQueue, type SinkMessage } from "./sink-batching.js";

export interface SinkReaderOptions {
  /** The JetStream consumer's deliver subject and the queue group the task's readers share. */
  subject: string;
  queue: string;
  /** Hands a batch to an instance of the component: one outcome per message, or a rejection when the instance failed on it. */
  store: (batch: Uint8Array[]) => Promise<SinkOutcome[]>;
  onIncident: (message: string) => void;
}

/**
 * Reads a postgres sink's JetStream push consumer for the local host, as pelatod's provider does
 * on a lattice: messages are batched as they arrive (while batches are in flight, the next
 * gathers whatever came meanwhile), stored by the component, and answered one by one.
 */
export class SinkReader {
  #queue = new SinkQueue();
  #inFlight = new Set<Promise<void>>();
  #sub: Subscription;
  #unnumbered = 0;
  #stopping = false;
  #limit: number = SINK_BATCH.firstLimit;

  constructor(
    private readonly nc: NatsConnection,
    private readonly o: SinkReaderOptions,
  ) {
    this.#sub = nc.subscribe(o.subject, { queue: o.queue, callback: (_err, msg) => this.#received(msg) });
  }

  #received(msg: Msg): void {
    // A message published straight to the subject (not by JetStream) is stored, with no one to answer.
    const info = (msg.reply && ackInfo(msg.reply)) || { delivered: 1, streamSeq: -++this.#unnumbered };
    this.#queue.add({ body: msg.data, reply: msg.reply ?? "", ...info });
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopping && this.#inFlight.size < SINK_BATCH.inFlight && this.#queue.length > 0) {
      const batch = this.#queue.take(this.#limit);
      const t0 = performance.now();
      const done: Promise<void> = this.#store(batch)
        .then(
          (failed) => void (this.#limit = nextBatchLimit(this.#limit, { messages: batch.length, ms: performance.now() - t0, failed })),
          (err: Error) => this.o.onIncident(`a batch could not be answered (${err.message}); its messages come back after the ack wait`),
        )
        .finally(() => {
          this.#inFlight.delete(done);
          this.#pump();
        });
      this.#inFlight.add(done);
    }
  }

  /** Stores a batch and answers its messages; true when it failed or the database could not take it. */
  async #store(batch: SinkMessage[]): Promise<boolean> {
    let outcomes: SinkOutcome[];
    try {
      outcomes = await this.o.store(batch.map((m) => m.body));
      if (outcomes.length !== batch.length) throw new Error(`the component answered ${outcomes.length} outcomes for ${batch.length} messages`);
    } catch (err) {
      this.#failed(batch, (err as Error).message);
      return true;
    }
    batch.forEach((m, i) => this.#answer(m, ackBody(outcomes[i]!, m.delivered)));
    return outcomes.some((o) => o.tag === "unavailable");
  }

  #failed(batch: SinkMessage[], why: string): void {
    if (batch.length > 1) {
      this.o.onIncident(`a batch of ${batch.length} messages failed (${why}); each is tried alone`);
      this.#queue.retryAlone(batch);
      return;
    }
    const m = batch[0]!;
    this.#queue.suspect(m.streamSeq);
    const answer = ackBody("failed", m.delivered);
    this.o.onIncident(answer === "+TERM" ? `a message was dropped: the task failed on it ${FAILURES_BEFORE_DROP} times (${why})` : `a message failed (${why}); it will be asked for again`);
    this.#answer(m, answer);
  }

  #answer(m: SinkMessage, body: string): void {
    if (m.reply) this.nc.publish(m.reply, body);
  }

  /** Stops reading: batches in flight finish, and what waited is given back to JetStream at once, for another reader. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#sub.unsubscribe();
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    for (const m of this.#queue.drain()) this.#answer(m, "-NAK");
  }
}
