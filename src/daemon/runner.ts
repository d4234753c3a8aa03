import { preparePlan, runCycle, type CycleContext, type CycleResult } from "./cycle.js";
import type { DaemonEvent, Plan } from "./types.js";

/** Waits between attempts after a failure outside the user's input (registry, wadm, NATS down). */
export const RETRY_MIN_MS = 1000;
export const RETRY_MAX_MS = 30_000;

export interface CycleReport extends CycleResult {
  cycle: number;
  trigger: string;
  /** The last batch of edits written before this cycle read the project. */
  upToChange: number;
  ms: number;
  retryInMs?: number;
}

/**
 * Runs cycles one at a time. A request while a cycle runs queues one more cycle (requests
 * coalesce); a superseding request (a newer edit) also cancels the running cycle's builds and
 * pushes. Every request resolves with the report of the first cycle that started after it and
 * was not superseded.
 */
export class Runner {
  #pending: { trigger: string; since: number } | undefined;
  #waiters: ((r: CycleReport) => void)[] = [];
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  #retryMs = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  last: CycleReport | undefined;

  constructor(private readonly ctx: CycleContext) {}

  request(trigger: string, o: { since?: number; supersede?: boolean } = {}): Promise<CycleReport> {
    const since = o.since ?? performance.now();
    this.#pending = this.#pending ? { trigger: this.#pending.trigger, since: Math.min(this.#pending.since, since) } : { trigger, since };
    if (o.supersede) this.#controller?.abort();
    const report = new Promise<CycleReport>((resolve) => this.#waiters.push(resolve));
    this.#loop ??= this.#drain().finally(() => (this.#loop = undefined));
    return report;
  }

  /** The plan a cycle would execute now (nothing is built, pushed or deployed). */
  dryRun(): Promise<Plan> {
    return this.exclusive(async () => (await preparePlan(this.ctx)).plan);
  }

  /** Runs `fn` between cycles, never during one. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => {});
    return run;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#controller?.abort();
    await this.#loop;
  }

  async #drain(): Promise<void> {
    while (this.#pending && !this.#stopped) {
      const { trigger, since } = this.#pending;
      this.#pending = undefined;
      const waiters = this.#waiters.splice(0);
      const report = await this.exclusive(() => this.#cycle(trigger, since));
      if (report.outcome === "superseded") {
        this.#waiters.unshift(...waiters);
        continue;
      }
      this.last = report;
      waiters.forEach((w) => w(report));
    }
  }

  async #cycle(trigger: string, since: number): Promise<CycleReport> {
    const controller = (this.#controller = new AbortController());
    const cycle = ++this.ctx.cycle;
    const upToChange = this.ctx.changes;
    const t0 = performance.now();
    let result: CycleResult;
    try {
      result = await runCycle(this.ctx, controller.signal, t0 - since);
    } catch (err) {
      // The target or the file system failed before anything was planned (wadm or NATS unreachable).
      this.ctx.emit({ type: "error", message: (err as Error).message });
      result = { outcome: "failed", stages: { debounce: t0 - since, render: 0, build: 0, push: 0, deploy: 0, swap: 0 }, compiled: 0, cached: 0, pushed: 0, deployed: 0, removed: 0, retry: true };
    }
    const report: CycleReport = { ...result, cycle, trigger, upToChange, ms: performance.now() - since };
    if (result.outcome !== "superseded") this.#scheduleRetry(report);
    const { plan: _, retry: __, ...event } = report;
    this.ctx.emit({ type: "cycle", ...event } as DaemonEvent);
    return report;
  }

  #scheduleRetry(report: CycleReport): void {
    clearTimeout(this.#retryTimer);
    if (!report.retry || this.#stopped) {
      this.#retryMs = 0;
      return;
    }
    this.#retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.#retryMs * 2));
    report.retryInMs = this.#retryMs;
    this.#retryTimer = setTimeout(() => void this.request("retry"), this.#retryMs);
    this.#retryTimer.unref();
  }
}
