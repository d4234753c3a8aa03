import { Worker } from "node:worker_threads";
import type { FromWorker, SyncOp, ToWorker, WorkerInit } from "./protocol.js";
import { answer, createSyncBuffer } from "./sync-call.js";

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
}

export const DEFAULT_LIMITS: Limits = { messageTimeoutMs: 5000, memoryLimitBytes: 256 << 20 };

interface InFlight {
  msg: ToWorker;
  resolve: (error: string | undefined) => void;
}

const WORKER_URL = new URL("./worker.js", import.meta.url);

/**
 * One component instance in a worker thread. Messages are handled in order; if one takes too
 * long, or the instance dies, that message is answered with an error, the worker is replaced
 * and the messages queued behind it are handed to the new one: none lost, none handled twice.
 */
export class ComponentInstance {
  #worker: Worker | undefined;
  #sync = createSyncBuffer();
  #inflight = new Map<number, InFlight>();
  #nextId = 1;
  #timer: NodeJS.Timeout | undefined;
  #headSince = 0;
  #stopping = false;
  httpPort: number | undefined;
  restarts = 0;

  constructor(
    readonly init: Omit<WorkerInit, "sync" | "memoryLimitBytes">,
    private readonly services: HostServices,
    private readonly limits: Limits,
    private readonly onIncident: (what: string) => void,
  ) {}

  async start(): Promise<void> {
    const worker = new Worker(WORKER_URL, { workerData: { ...this.init, sync: this.#sync, memoryLimitBytes: this.limits.memoryLimitBytes } satisfies WorkerInit, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.resume();
    this.#worker = worker;
    await new Promise<void>((resolve, reject) => {
      worker.on("message", (m: FromWorker) => {
        if (m.type === "ready") {
          this.httpPort = m.httpPort;
          resolve();
        } else if (m.type === "failed") reject(new Error(m.error));
        else this.#onMessage(m);
      });
      worker.once("error", reject);
      worker.once("exit", (code) => {
        reject(new Error(`the worker exited with code ${code} while starting`));
        if (this.#worker === worker) this.#onExit(code);
      });
    });
  }

  /** Hands a message to the component; resolves with its error, or undefined when it succeeded. */
  deliver(subject: string, body: Uint8Array, replyTo?: string): Promise<string | undefined> {
    const msg: ToWorker = { type: "message", id: this.#nextId++, subject, body, ...(replyTo ? { replyTo } : {}) };
    return new Promise((resolve) => {
      this.#inflight.set(msg.id, { msg, resolve });
      this.#worker?.postMessage(msg);
      this.#arm();
    });
  }

  get pending(): number {
    return this.#inflight.size;
  }

  /** Lets queued messages finish, then stops the worker. */
  async drain(): Promise<void> {
    while (this.#inflight.size > 0) await new Promise((r) => setTimeout(r, 5));
    await this.stop();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#worker?.terminate();
    this.#worker = undefined;
  }

  #onMessage(m: FromWorker): void {
    if (m.type === "publish") this.services.publish(m.subject, m.body, m.replyTo);
    else if (m.type === "log") this.services.log(m.level, m.context, m.message);
    else if (m.type === "call")
      void this.services.call(m.op, m.args).then(
        (ok) => answer(this.#sync, { ok: ok ?? null }),
        (err: unknown) => answer(this.#sync, { error: err instanceof Error ? err.message : String(err) }),
      );
    else if (m.type === "done") {
      const f = this.#inflight.get(m.id);
      this.#inflight.delete(m.id);
      this.#headSince = performance.now();
      this.#arm();
      f?.resolve(m.error);
      if (m.fatal) void this.#replace(`trapped (${m.error})`, false);
    }
  }

  /** Keeps one timer on the oldest message, the one the worker is working on. */
  #arm(): void {
    clearTimeout(this.#timer);
    const head = this.#inflight.values().next().value as InFlight | undefined;
    if (!head) return;
    if (this.#inflight.size === 1) this.#headSince = performance.now();
    const left = this.#headSince + this.limits.messageTimeoutMs - performance.now();
    this.#timer = setTimeout(() => void this.#replace(`took longer than ${this.limits.messageTimeoutMs} ms`), Math.max(0, left));
  }

  /** Replaces a worker that stopped answering outside the message queue (an HTTP request, say). */
  recycle(reason: string): Promise<void> {
    return this.#replace(reason, false);
  }

  #onExit(code: number): void {
    if (this.#stopping) return;
    void this.#replace(`stopped (exit code ${code})`);
  }

  /** The head message failed the instance: answer it with an error and start a fresh worker for the rest. */
  async #replace(reason: string, failHead = true): Promise<void> {
    const old = this.#worker;
    this.#worker = undefined;
    clearTimeout(this.#timer);
    await old?.terminate();
    const head = failHead ? (this.#inflight.values().next().value as InFlight | undefined) : undefined;
    if (head) {
      this.#inflight.delete(head.msg.id);
      head.resolve(`${this.init.name}: the task ${reason}; the instance was restarted`);
    }
    this.onIncident(`${this.init.name}: the task ${reason}; restarting it`);
    this.restarts++;
    this.#sync = createSyncBuffer();
    await this.start();
    for (const f of this.#inflight.values()) this.#worker!.postMessage(f.msg);
    this.#headSince = performance.now();
    this.#arm();
  }
}
