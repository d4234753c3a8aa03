import { availableParallelism } from "node:os";
import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { queueGroup } from "../render/index.js";
import type { LocalApp } from "./app.js";
import { HttpFront } from "./http-front.js";
import { ComponentInstance, DEFAULT_LIMITS, type Limits } from "./instance.js";
import { WarmWorkers } from "./warm-workers.js";
import { errorReply, natsServices } from "./services.js";
import { Database } from "./database.js";
import { SinkReader } from "./sink-reader.js";
import type { SinkOutcome } from "./protocol.js";
import type { Secret } from "../config/index.js";

export type HostEvent =
  | { type: "started"; app: string; version: string; targets: string[]; subscriptions: string[]; httpPort?: number }
  | { type: "swapped"; app: string; from: string; to: string }
  | { type: "removed"; app: string }
  | { type: "handled"; app: string; subject: string; ms: number; error?: string }
  | { type: "incident"; app: string; message: string }
  | { type: "log"; app: string; level: string; message: string };

const SUBSCRIBE_WAIT_MS = 2000;

export interface LocalHostOptions {
  limits?: Partial<Limits>;
  /** Interface the HTTP producers listen on. Default: 127.0.0.1. */
  httpHost?: string;
  onEvent?: (e: HostEvent) => void;
  /** Whether onEvent gets a `handled` event per message. Default: true. Without, a message costs some 10 % less CPU. */
  handledEvents?: boolean;
  /** DATABASE_URL of the postgres sinks. */
  databaseUrl?: Secret;
}

interface Running {
  app: LocalApp;
  /**
   * One at first; another is added when a message finds them all busy, up to localWorkers of the
   * task's concurrency (an idle task costs one worker). With one, messages stay in order.
   */
  instances: ComponentInstance[];
  subs: Subscription[];
  /** A postgres sink's reader of its JetStream consumer. */
  sink?: SinkReader;
}

/**
 * Worker threads one task may run at once: its concurrency, but no more than the cores (at least
 * two): more threads in one process than cores only take turns, and each costs 35–55 MB.
 */
export function localWorkers(concurrency: number): number {
  return Math.max(1, Math.min(concurrency, Math.max(2, availableParallelism())));
}

/** The instance with the fewest messages in flight. */
function leastBusy(instances: ComponentInstance[]): ComponentInstance {
  let best = instances[0]!;
  for (const i of instances) if (i.pending < best.pending) best = i;
  return best;
}

/**
 * Runs applications as a wasmCloud host with the NATS messaging, HTTP server and KV providers
 * would: subscriptions from the manifest's links (queue group per application), runtime config,
 * HTTP on the provider's port. Each component instance lives in a worker thread.
 */
export class LocalHost {
  readonly limits: Limits;
  #running = new Map<string, Running>();
  #http: HttpFront;
  #workers = new WarmWorkers();
  #emit: (e: HostEvent) => void;
  #handledEvents: boolean;
  #database: Database | undefined;

  constructor(
    private readonly nc: NatsConnection,
    o: LocalHostOptions = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.#emit = o.onEvent ?? (() => {});
    this.#handledEvents = o.handledEvents ?? true;
    this.#database = o.databaseUrl ? new Database(o.databaseUrl) : undefined;
    this.#http = new HttpFront(
      o.httpHost ?? "127.0.0.1",
      this.limits.messageTimeoutMs,
      (app, message) => this.#emit({ type: "incident", app, message }),
      (app, subject, ms, error) => this.#emit({ type: "handled", app, subject, ms, ...(error ? { error } : {}) }),
    );
  }

  /** Starts an application, or swaps in its new version with no message lost or handled twice. */
  async apply(app: LocalApp): Promise<"started" | "swapped" | "unchanged"> {
    const current = this.#running.get(app.name);
    if (current && current.app.version === app.version) return "unchanged";
    const first = this.#instance(app);
    try {
      await first.start();
    } catch (err) {
      await first.stop();
      throw err;
    }
    const instances = [first];
    if (!current) {
      const running: Running = { app, instances, subs: [] };
      this.#running.set(app.name, running);
      running.subs = app.subscriptions.map((s) => this.#subscribe(app.name, s));
      if (app.sink) running.sink = this.#readSink(running, app.sink);
      await this.#subscribed();
      if (app.httpPort !== undefined) await this.#http.route(app.httpPort, app.name, () => this.#serving(app.name));
      this.#emit({ type: "started", app: app.name, version: app.version, targets: app.targets, subscriptions: subjects(app), ...(app.httpPort !== undefined ? { httpPort: app.httpPort } : {}) });
      return "started";
    }
    // From here on new messages go to the new instances; the old ones finish what they have.
    const old = current.instances;
    current.instances = instances;
    const previous = current.app;
    current.app = app;
    if (JSON.stringify(previous.subscriptions) !== JSON.stringify(app.subscriptions)) {
      const oldSubs = current.subs;
      current.subs = app.subscriptions.map((s) => this.#subscribe(app.name, s));
      await this.#subscribed();
      oldSubs.forEach((s) => s.unsubscribe());
    }
    if (previous.httpPort !== app.httpPort) {
      if (previous.httpPort !== undefined) this.#http.unroute(previous.httpPort, app.name);
      if (app.httpPort !== undefined) await this.#http.route(app.httpPort, app.name, () => this.#serving(app.name));
    }
    await Promise.all(old.map((i) => i.drain()));
    this.#emit({ type: "swapped", app: app.name, from: previous.version, to: app.version });
    return "swapped";
  }

  async remove(name: string): Promise<void> {
    const r = this.#running.get(name);
    if (!r) return;
    r.subs.forEach((s) => s.unsubscribe());
    await r.sink?.stop();
    if (r.app.httpPort !== undefined) this.#http.unroute(r.app.httpPort, name);
    this.#running.delete(name);
    await Promise.all(r.instances.map((i) => i.drain()));
    this.#emit({ type: "removed", app: name });
  }

  apps(): { name: string; version: string; subscriptions: string[]; httpPort?: number; restarts: number }[] {
    return [...this.#running.values()].map((r) => ({ name: r.app.name, version: r.app.version, subscriptions: subjects(r.app), ...(r.app.httpPort !== undefined ? { httpPort: r.app.httpPort } : {}), restarts: r.instances.reduce((n, i) => n + i.restarts, 0) }));
  }

  async stop(): Promise<void> {
    for (const r of this.#running.values()) r.subs.forEach((s) => s.unsubscribe());
    await Promise.all([...this.#running.values()].map((r) => r.sink?.stop()));
    await this.#http.close();
    await Promise.all([...this.#running.values()].flatMap((r) => r.instances.map((i) => i.stop())));
    await this.#workers.close();
    await this.#database?.close();
    this.#running.clear();
  }

  #serving(name: string): ComponentInstance | undefined {
    const r = this.#running.get(name);
    return r && this.#pick(r);
  }

  /** The least busy instance; a new one when all are busy and the concurrency allows it. */
  #pick(r: Running): ComponentInstance {
    const best = leastBusy(r.instances);
    if (best.pending === 0 || r.instances.length >= localWorkers(r.app.concurrency)) return best;
    const added = this.#instance(r.app);
    r.instances.push(added);
    // Its worker exists once start() is called: deliveries queue in it until the component is loaded.
    added.start().catch((err: unknown) => {
      r.instances = r.instances.filter((i) => i !== added);
      this.#emit({ type: "incident", app: r.app.name, message: `${r.app.name}: an added instance did not start (${(err as Error).message}); its messages go to the others` });
      void added.handOver().then((left) => this.#pick(r).resend(left));
    });
    return added;
  }

  #instance(app: LocalApp): ComponentInstance {
    const services = natsServices(this.nc, this.#database, (level, _context, message) => this.#emit({ type: "log", app: app.name, level, message }));
    return new ComponentInstance(
      { name: app.name, wasm: app.wasm, digest: app.digest, config: app.config, http: app.httpPort !== undefined },
      services,
      this.limits,
      (message) => this.#emit({ type: "incident", app: app.name, message }),
      () => this.#workers.take(),
    );
  }

  /** Batches go to whichever instances are current when they leave: a swap needs no new reader. */
  #readSink(r: Running, { subject, queue }: { subject: string; queue: string }): SinkReader {
    return new SinkReader(this.nc, {
      subject,
      queue,
      store: (batch) => {
        const t0 = performance.now();
        return new Promise<SinkOutcome[]>((resolve, reject) =>
          this.#pick(r).store(batch, (error, outcomes = []) => {
            if (error !== undefined) return reject(new Error(error));
            if (this.#handledEvents) {
              const ms = performance.now() - t0;
              for (const o of outcomes) this.#emit({ type: "handled", app: r.app.name, subject, ms, ...(o.tag !== "stored" ? { error: `${o.tag}: ${o.val}` } : {}) });
            }
            resolve(outcomes);
          }),
        );
      },
      onIncident: (message) => this.#emit({ type: "incident", app: r.app.name, message: `${r.app.name}: ${message}` }),
    });
  }

  /**
   * Waits until the server has the new subscriptions, so that a message sent once apply()
   * returns finds the task. Bounded: while disconnected they go out on reconnect, unwaited for.
   */
  async #subscribed(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.nc.flush().catch(() => {}), new Promise((r) => (timer = setTimeout(r, SUBSCRIBE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  #subscribe(name: string, { subject, queue }: LocalApp["subscriptions"][number]): Subscription {
    return this.nc.subscribe(subject, {
      queue: queue ?? queueGroup(name),
      callback: (_err, msg) => {
        const running = this.#running.get(name);
        if (!running) return;
        const reply = msg.reply;
        const instance = this.#pick(running);
        if (!this.#handledEvents) {
          instance.deliver(msg.subject, msg.data, reply, reply ? (error) => void (error && errorReply(this.nc, reply, error)) : ignore);
          return;
        }
        const t0 = performance.now();
        instance.deliver(msg.subject, msg.data, msg.reply, (error) => {
          this.#emit({ type: "handled", app: name, subject: msg.subject, ms: performance.now() - t0, ...(error ? { error } : {}) });
          if (error && msg.reply) errorReply(this.nc, msg.reply, error);
        });
      },
    });
  }
}

const ignore = () => {};

function subjects(app: LocalApp): string[] {
  return [...app.subscriptions.map((s) => s.subject), ...(app.sink ? [`${app.sink.subject} (JetStream)`] : [])];
}
