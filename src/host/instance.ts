import type { Worker } from "node:worker_threads";
import type { Delivery, FromWorker, SinkOutcome, SyncOp, ToWorker, WorkerEvent, WorkerInit } from "./protocol.js";
import { answer, createSyncBuffer } from "./sync-call.js";
import { PackedStream } from "./packed.js";
import { bootWorker } from "./warm-workers.js";

/** What the main thread does for a worker's imports. */
export interface HostServices {
  publish(subject: string, body: Uint8Array, replyTo?: string): void;
  call(op: SyncOp, args: unknown[]): Promise<unknown>;
  log(level: string, context: string, message: string): void;
}

export interface Limits {
  /** Longest a component may spend on one message. Default: 5000 ms. */
  messageTimeoutMs: number;
  /** Largest linear memory of a component. Default: 256 MiB. */
  memoryLimitBytes: number;
  /** Longest a component may take to start: load, instantiate and run its init functions. Default: 30 s. */
  startTimeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = { messageTimeoutMs: 5000, memoryLimitBytes: 256 << 20, startTimeoutMs: 30_000 };

/** Gets a delivery's error, or undefined when it succeeded (with a batch's outcomes). */
export type OnDone = (error: string | undefined, outcomes?: SinkOutcome[]) => void;

interface InFlight {
  msg: Delivery;
  onDone: OnDone;
}

/** What handOver gives back: deliveries not yet handled, for another instance's `resend`. */
export type Undelivered = InFlight;

/**
 * One component instance in a worker thread. Messages are handled in order; if one takes too
 * long, or the instance dies, that message is answered with an error, the worker is replaced
 * and the messages queued behind it are handed to the new one: none lost, none handled twice.
 */
export class ComponentInstance {
  #worker: Worker | undefined;
  #sync = createSyncBuffer();
  #progress = new Int32Array(new SharedArrayBuffer(4));
  #inflight = new Map<number, InFlight>();
  #outbox: Delivery[] = [];
  #toWorker = new PackedStream();
  #fromWorker = new PackedStream();
  #nextId = 1;
  #timer: NodeJS.Timeout | undefined;
  #headSince = 0;
  #stopping = false;
  httpPort: number | undefined;
  restarts = 0;

  constructor(
    readonly init: Omit<WorkerInit, "sync" | "progress" | "memoryLimitBytes">,
    private readonly services: HostServices,
    private readonly limits: Limits,
    private readonly onIncident: (what: string) => void,
    private readonly spawn: () => Worker = bootWorker,
  ) {}

  async start(): Promise<void> {
    this.#toWorker = new PackedStream();
    this.#fromWorker = new PackedStream();
    const worker = this.spawn();
    worker.postMessage({ type: "init", init: { ...this.init, sync: this.#sync, progress: this.#progress.buffer as SharedArrayBuffer, memoryLimitBytes: this.limits.memoryLimitBytes } } satisfies ToWorker);
    this.#worker = worker;
    let lastError: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    // An init() that never returns would hold the worker for ever: it is stopped at the limit.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`${this.init.name} did not start within ${this.limits.startTimeoutMs} ms (its init functions, or loading it, took longer)`));
        void worker.terminate();
      }, this.limits.startTimeoutMs);
    });
    timedOut.catch(() => {});
    const started = new Promise<void>((resolve, reject) => {
      worker.on("message", (m: FromWorker) => {
        if (this.#worker !== worker) return; // a replaced worker: what it still says belongs to no stream
        if (m.type === "ready") {
          this.httpPort = m.httpPort;
          resolve();
        } else if (m.type === "failed") reject(new Error(m.error));
        else this.#onMessage(m);
      });
      worker.on("error", (err) => {
        lastError = err;
        reject(err);
      });
      worker.once("exit", (code) => {
        reject(new Error(`the worker exited with code ${code} while starting`));
        if (this.#worker === worker) this.#onExit(code, lastError);
      });
    });
    try {
      await Promise.race([started, timedOut]);
    } catch (err) {
      this.#stopping = true; // a start that failed is not restarted: the caller decides
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Hands a message to the component; `onDone` gets its error, or undefined when it succeeded. */
  deliver(subject: string, body: Uint8Array, replyTo: string | undefined, onDone: OnDone): void {
    this.#enqueue({ id: this.#nextId++, subject, body, ...(replyTo ? { replyTo } : {}) }, onDone);
  }

  /** Hands a postgres sink's batch to the component; `onDone` gets one outcome per message, or the error that failed the whole. */
  store(batch: Uint8Array[], onDone: OnDone): void {
    this.#enqueue({ id: this.#nextId++, batch }, onDone);
  }

  /** Takes over what another instance handed over. */
  resend(left: Undelivered[]): void {
    for (const { msg, onDone } of left) this.#enqueue({ ...msg, id: this.#nextId++ }, onDone);
  }

  #enqueue(msg: Delivery, onDone: OnDone): void {
    if (this.#inflight.size === 0) this.#headSince = performance.now();
    this.#inflight.set(msg.id, { msg, onDone });
    if (this.#outbox.push(msg) === 1) queueMicrotask(() => this.#flush());
    this.#arm();
  }

  /** One post per turn of the event loop: a NATS read of many messages costs one hop to the worker. */
  #flush(): void {
    const batch = this.#outbox;
    this.#outbox = [];
    // Without a worker (one is being replaced) the batch stays in flight and goes to the next one.
    if (batch.length > 0 && this.#worker) post(this.#worker, { type: "deliver", batch: this.#toWorker.pack(batch) });
  }

  get pending(): number {
    return this.#inflight.size;
  }

  /** Lets queued messages finish, then stops the worker. */
  async drain(): Promise<void> {
    while (this.#inflight.size > 0) await new Promise((r) => setTimeout(r, 5));
    await this.stop();
  }

  /** Stops the worker and gives back the messages it had not finished, for another instance. */
  async handOver(): Promise<Undelivered[]> {
    await this.stop();
    const left = [...this.#inflight.values()];
    this.#inflight.clear();
    return left;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#worker?.terminate();
    this.#worker = undefined;
  }

  #onMessage(m: FromWorker): void {
    if (m.type === "events") {
      this.#fromWorker.unpack<WorkerEvent[]>(m.events).forEach((e) => this.#onEvent(e));
      this.#handledThrough(m.through);
    } else if (m.type === "call")
      void this.services.call(m.op, m.args).then(
        (ok) => answer(this.#sync, { ok: ok ?? null }),
        (err: unknown) => answer(this.#sync, { error: err instanceof Error ? err.message : String(err) }),
      );
  }

  #onEvent(e: WorkerEvent): void {
    if (e.type === "publish") this.services.publish(e.subject, e.body, e.replyTo);
    else if (e.type === "log") this.services.log(e.level, e.context, e.message);
    else {
      const f = this.#inflight.get(e.id);
      this.#inflight.delete(e.id);
      if (e.type === "stored") return f?.onDone(undefined, e.outcomes);
      f?.onDone(e.error);
      if (e.fatal) void this.#replace(`trapped (${e.error})`, false);
    }
  }

  #handledThrough(id: number): void {
    for (const [next, f] of this.#inflight) {
      if (next > id) break;
      this.#inflight.delete(next);
      f.onDone(undefined);
    }
    this.#headSince = performance.now();
  }

  /**
   * Keeps one timer on the oldest message, the one the worker is working on. The timer is not
   * re-armed per message (that would cost more than handling one): when it fires early it
   * sleeps again for what is left of the current head's allowance.
   */
  #arm(): void {
    if (this.#timer || this.#inflight.size === 0) return;
    const left = this.#headSince + this.limits.messageTimeoutMs - performance.now();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#inflight.size === 0) return;
      if (performance.now() - this.#headSince >= this.limits.messageTimeoutMs) void this.#replace(`took longer than ${this.limits.messageTimeoutMs} ms`);
      else this.#arm();
    }, Math.max(0, left));
  }

  /** Replaces a worker that stopped answering outside the message queue (an HTTP request, say). */
  recycle(reason: string): Promise<void> {
    return this.#replace(reason, false);
  }

  #onExit(code: number, error: Error | undefined): void {
    if (this.#stopping) return;
    void this.#replace(`stopped (exit code ${code}${error ? `: ${error.message}` : ""})`);
  }

  /** The message being handled failed the instance: answer it with an error and start a fresh worker for the rest. */
  async #replace(reason: string, failCurrent = true): Promise<void> {
    const old = this.#worker;
    this.#worker = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await old?.terminate();
    // Not necessarily the oldest in flight: the worker may have finished some without having told us yet.
    const culprit = failCurrent ? this.#inflight.get(Atomics.load(this.#progress, 0)) : undefined;
    if (culprit) {
      this.#inflight.delete(culprit.msg.id);
      culprit.onDone(`${this.init.name}: the task ${reason}; the instance was restarted`);
    }
    this.onIncident(`${this.init.name}: the task ${reason}; restarting it`);
    this.restarts++;
    this.#sync = createSyncBuffer();
    this.#progress = new Int32Array(new SharedArrayBuffer(4));
    await this.start();
    this.#outbox = [...this.#inflight.values()].map((f) => f.msg); // all in flight, in order, to the new worker
    this.#flush();
    this.#headSince = performance.now();
    this.#arm();
  }
}

function post(worker: Worker, m: ToWorker & { type: "deliver" }): void {
  worker.postMessage(m, [m.batch.buffer]);
}
