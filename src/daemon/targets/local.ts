import type { Embedded } from "../embedded.js";
import type { DeployItem, DeployOutcome, DeployTarget } from "./target.js";
import type { DaemonEvent, RunningApp } from "../types.js";
import { processAlive } from "../../process-alive.js";
import { removeSinkConsumers } from "../../streams/index.js";

/** How often the local nats-server is checked; a dead one is started again on its port. */
export const NATS_CHECK_MS = 1000;

/** The embedded local host: deploy is a hot swap, nothing is pushed. */
export class LocalTarget implements DeployTarget {
  readonly id = "local";
  readonly pushes = false;
  readonly runsHere = true;
  #timer: NodeJS.Timeout;
  #restarting = false;

  constructor(
    readonly embedded: Embedded,
    private readonly emit: (e: DaemonEvent) => void,
    /** Deadline of a request to the local NATS (removing a sink's consumer). */
    private readonly timeoutMs: number,
  ) {
    this.#timer = setInterval(() => void this.#supervise(), NATS_CHECK_MS);
    this.#timer.unref();
  }

  get nc() {
    return this.embedded.nc;
  }

  async running(): Promise<RunningApp[]> {
    return this.embedded.host.apps().map((a) => ({ name: a.name, version: a.version }));
  }

  async deploy(item: DeployItem): Promise<DeployOutcome> {
    const t0 = performance.now();
    const step = await this.embedded.host.apply({ manifest: item.manifest, wasmPath: item.wasm, digest: item.digest });
    const swapMs = performance.now() - t0;
    this.embedded.publish();
    return { step, swapMs };
  }

  async remove(name: string): Promise<void> {
    // A postgres task's consumer first (and its topic's stream, once no sink reads it): a remove
    // that fails after it is tried again while the host still runs the task.
    await removeSinkConsumers(this.nc, [name], { timeoutMs: this.timeoutMs });
    await this.embedded.host.remove(name);
    this.embedded.publish();
  }

  healthy(): boolean {
    return !this.embedded.nc.isClosed() && processAlive(this.embedded.nats.pid) && this.embedded.host.alive();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.embedded.stop();
  }

  // The daemon owns the embedded nats-server: if it dies, start it again on the same port and
  // store; the client reconnects and the host's subscriptions come back with it.
  async #supervise(): Promise<void> {
    if (this.#restarting || processAlive(this.embedded.nats.pid)) return;
    this.#restarting = true;
    try {
      this.emit({ type: "nats", status: "restarting", detail: `the local nats-server (pid ${this.embedded.nats.pid}) is gone` });
      await this.embedded.restartNats();
      this.emit({ type: "nats", status: "restarted", detail: this.embedded.nats.url });
    } catch (err) {
      this.emit({ type: "error", message: `restarting the local nats-server failed: ${(err as Error).message}` });
    } finally {
      this.#restarting = false;
    }
  }
}
