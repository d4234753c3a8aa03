import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { resolveConfig, type ConfigFlags } from "../config/index.js";
import { InputError, RuntimeFailure } from "../errors.js";
import type { HostEvent, Limits } from "../host/index.js";
import { connectNats } from "../nats/index.js";
import { PACKAGE_ROOT } from "../paths.js";
import type { CycleContext } from "./cycle.js";
import { startHealthServer, type Health } from "./health-server.js";
import { lockProject } from "./lock.js";
import { DaemonMetrics } from "./metrics.js";
import { serviceSubject } from "./service/request.js";
import { RETRY_MAX_MS, RETRY_MIN_MS, Runner, type CycleReport } from "./runner.js";
import { startService } from "./service/service.js";
import type { DaemonSettings } from "../config/index.js";
import { readState, withApp, writeState } from "./state.js";
import type { DeployTarget } from "./targets/target.js";
import { Toolbox } from "./toolbox/toolbox.js";
import { LatticeTarget } from "./targets/lattice.js";
import { jetStreamDomain } from "../sites.js";
import type { DaemonEvent, DaemonState } from "./types.js";
import { watchProject } from "./watcher.js";

export interface DaemonOptions {
  dir: string;
  flags: ConfigFlags;
  /** The embedded default (a local nats-server and component host) even when a lattice is configured. */
  local: boolean;
  watch: boolean;
  serve: boolean;
  settings: DaemonSettings;
  emit(e: DaemonEvent): void;
  limits?: Partial<Limits>;
  onHostEvent?(e: HostEvent): void;
  onProgress?(line: string): void;
  /** Aborted (SIGTERM while starting): whatever was started is stopped, and startDaemon rejects. */
  signal?: AbortSignal;
}

export interface Daemon {
  runner: Runner;
  target: DeployTarget;
  metrics: DaemonMetrics;
  metricsUrl?: string;
  state(): DaemonState;
  stop(): Promise<void>;
}

/** Starts the daemon: target, state, first cycle, then the watcher, the service and /metrics as asked. */
export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const projectDir = resolve(o.dir);
  const config = resolveConfig(o.dir, o.flags);
  // No lattice configured (neither NATS_URL nor NATS_HOST, from any source): the embedded default.
  const local = o.local || (config.sources.NATS_URL === "default" && config.sources.NATS_HOST === "default");
  if (!local && !config.registry.configured) {
    throw new InputError([{ file: "environment", message: "REGISTRY_URL: a lattice's hosts pull components from a registry; set REGISTRY_URL (or --registry), or use --local for the embedded default" }]);
  }
  const release = lockProject(projectDir);
  const cleanup: (() => Promise<unknown> | unknown)[] = [release];
  const stop = async () => {
    for (const fn of cleanup.splice(0).reverse()) await Promise.resolve(fn()).catch(() => {});
  };
  // Each slow step races the signal; what a step started after the race was lost is stopped too.
  const stopped = new Promise<never>((_, reject) => o.signal?.addEventListener("abort", () => reject(new RuntimeFailure("stopped while starting")), { once: true }));
  stopped.catch(() => {});
  const step = <T>(p: Promise<T>, late?: (v: T) => unknown): Promise<T> => {
    if (!o.signal) return p;
    if (late) void p.then((v) => o.signal!.aborted && late(v), () => {});
    return Promise.race([p, stopped]);
  };
  try {
    o.signal?.throwIfAborted();
    const metrics = new DaemonMetrics();
    const emit = (e: DaemonEvent) => (metrics.observe(e), o.emit(e));
    // The local host (and jco, which it loads) only when asked for: a lattice daemon stays small.
    const target = local
      ? new (await import("./targets/local.js")).LocalTarget(await step((await import("./embedded.js")).startEmbedded(projectDir, config, { ...(o.limits ? { limits: o.limits } : {}), ...(o.onHostEvent ? { onEvent: o.onHostEvent } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) }), (e) => e.stop()), emit, config.nats.timeoutMs)
      : new LatticeTarget(await step(connectWithRetry(() => connectNats(config.nats, "pelatod-daemon"), emit), (nc) => nc.close()), config.lattice, config.nats.timeoutMs, jetStreamDomain(config));
    cleanup.push(() => target.close());
    const toolbox = new Toolbox(o.settings.buildIdleMs, { choice: o.settings.toolchain, container: o.settings.container });
    let state = readState(projectDir, target.id);
    const ctx: CycleContext = {
      projectDir,
      config,
      target,
      toolbox,
      emit,
      state: () => state,
      save: (apps) => {
        state = { ...state, apps };
        writeState(projectDir, state);
        metrics.applications.set(Object.keys(apps).length);
      },
      failed: {},
      cycle: 0,
      changes: 0,
      discover: true,
    };
    const runner = new Runner(ctx);
    cleanup.push(() => runner.stop());
    // Stopped before the runner waits for its cycle: a build in progress ends at once.
    cleanup.push(() => toolbox.close());
    let connected = true;
    void (async () => {
      for await (const s of target.nc.status()) {
        if (s.type === "disconnect") connected = false;
        if (s.type === "reconnect") connected = true;
        if (s.type !== "disconnect" && s.type !== "reconnect") continue;
        emit({ type: "nats", status: s.type === "disconnect" ? "disconnected" : "reconnected", detail: s.server });
        if (s.type === "reconnect") void runner.request("nats reconnected");
      }
    })();
    let started = false;
    const health = (): Health => ({ ok: started && connected && target.healthy(), target: target.id, nats: connected ? "connected" : "disconnected", lastCycle: runner.last?.outcome ?? null, applications: Object.keys(state.apps).length });
    let metricsUrl: string | undefined;
    if (o.settings.metrics) {
      const server = await startHealthServer(o.settings.metrics, metrics, health);
      cleanup.push(() => server.close());
      metricsUrl = server.url;
    }
    if (o.watch) {
      const watcher = watchProject(projectDir, o.settings.debounceMs, (paths, since) => {
        emit({ type: "change", seq: ++ctx.changes, paths });
        void runner.request("change", { since, supersede: true });
      }, (err) => emit({ type: "error", message: `watching the project: ${err.message}` }));
      cleanup.push(() => watcher.close());
      await step(watcher.ready);
    }
    await step(runner.request("start"));
    let service: string | undefined;
    if (o.serve) {
      o.signal?.throwIfAborted();
      const svc = await startService(target.nc, {
        instance: o.settings.instance,
        version: packageVersion(),
        project: basename(projectDir),
        allowed: o.settings.allowedKeys,
        windowMs: o.settings.replayWindowMs,
        rate: o.settings.rate,
        emit,
        handlers: {
          redeploy: async () => reportOf(await runner.request("redeploy request")),
          status: async () => ({ target: target.id, instance: o.settings.instance, apps: state.apps, blocked: Object.keys(ctx.failed), last: runner.last ? reportOf(runner.last) : null }),
          plan: async () => runner.dryRun(),
          remove: () =>
            runner.exclusive(async () => {
              const removed: string[] = [];
              for (const name of Object.keys(state.apps)) {
                await target.remove(name);
                ctx.save(withApp(state.apps, name, undefined));
                removed.push(name);
                emit({ type: "removed", app: name });
              }
              return { removed };
            }),
        },
      });
      cleanup.push(() => svc.stop());
      service = serviceSubject(o.settings.instance, "redeploy").replace(/redeploy$/, "{redeploy,status,plan,remove}");
    }
    started = true;
    emit({ type: "ready", target: target.id, apps: Object.entries(state.apps).map(([name, a]) => ({ name, version: a.version })), ...(service ? { service } : {}), ...(metricsUrl ? { metrics: metricsUrl } : {}) });
    return { runner, target, metrics, ...(metricsUrl ? { metricsUrl } : {}), state: () => state, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A cycle report as the service answers it. */
function reportOf(r: CycleReport) {
  const { plan, retry: _, ...rest } = r;
  return { ...rest, apps: (plan?.apps ?? []).filter((a) => a.action !== "unchanged") };
}

/** The lattice's NATS may come up after the daemon (a gateway booting): wait for it, backing off. */
async function connectWithRetry<T>(connect: () => Promise<T>, emit: (e: DaemonEvent) => void): Promise<T> {
  for (let wait = RETRY_MIN_MS; ; wait = Math.min(RETRY_MAX_MS, wait * 2)) {
    try {
      return await connect();
    } catch (err) {
      if (!(err instanceof RuntimeFailure)) throw err;
      emit({ type: "nats", status: "unreachable", detail: `${err.message}; trying again in ${wait / 1000} s` });
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
}
