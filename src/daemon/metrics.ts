import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DaemonEvent } from "./types.js";

/**
 * The daemon's Prometheus metrics, fed by its event stream (so whatever the daemon reports, it
 * also counts). A registry of its own, with Node's process metrics (RSS, heap, event loop lag).
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  readonly builds = this.#counter("pelato_builds_total", "Component builds by result: compiled, cached (a cache hit) or failed.", ["result"]);
  readonly pushes = this.#counter("pelato_pushes_total", "Component pushes by result: pushed, current (the registry had it) or failed.", ["result"]);
  readonly deploys = this.#counter("pelato_deploys_total", "Application deploys by result: ok or failed.", ["result"]);
  readonly removes = this.#counter("pelato_removes_total", "Applications removed.", []);
  readonly cycles = this.#counter("pelato_cycles_total", "Plan-and-execute cycles by outcome.", ["outcome"]);
  readonly errors = this.#counter("pelato_errors_total", "Failures by stage: load, build, push, deploy, daemon (the target or NATS unreachable, the watcher).", ["stage"]);
  readonly requests = this.#counter("pelato_requests_total", "Service requests by endpoint and outcome (ok, refused, failed, duplicate).", ["endpoint", "outcome"]);
  readonly stages = new Histogram({
    name: "pelato_stage_seconds",
    help: "Duration of each stage of a cycle that did work: debounce, render, build, push, deploy, swap.",
    labelNames: ["stage"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly applications = new Gauge({ name: "pelato_applications", help: "Applications this daemon has deployed.", registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observe(e: DaemonEvent): void {
    switch (e.type) {
      case "built":
        return this.builds.inc({ result: e.cacheHit ? "cached" : "compiled" });
      case "build-failed":
        this.builds.inc({ result: "failed" });
        return this.errors.inc({ stage: "build" });
      case "pushed":
        return this.pushes.inc({ result: e.skipped ? "current" : "pushed" });
      case "push-failed":
        this.pushes.inc({ result: "failed" });
        return this.errors.inc({ stage: "push" });
      case "deployed":
        return this.deploys.inc({ result: "ok" });
      case "deploy-failed":
        this.deploys.inc({ result: "failed" });
        return this.errors.inc({ stage: "deploy" });
      case "removed":
        return this.removes.inc();
      case "crossings-failed":
        return this.errors.inc({ stage: "crossings" });
      case "invalid":
        return this.errors.inc({ stage: "load" });
      case "request":
        return this.requests.inc({ endpoint: e.endpoint, outcome: e.outcome });
      case "cycle":
        this.cycles.inc({ outcome: e.outcome });
        if (e.outcome === "noop" || e.outcome === "superseded") return;
        for (const [stage, ms] of Object.entries(e.stages)) if (ms > 0) this.stages.observe({ stage }, ms / 1000);
        return;
      case "error":
        return this.errors.inc({ stage: "daemon" });
      default:
        return;
    }
  }

  #counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
