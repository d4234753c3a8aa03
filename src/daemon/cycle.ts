import type { ResolvedConfig } from "../config/index.js";
import { InputError } from "../errors.js";
import { loadAndRender, pinnedManifests, pushPostgresProvider, setUpCrossings, setUpSinks } from "../pipeline/index.js";
import { TEMPLATES, writeGen, type RenderedProject } from "../render/index.js";
import type { Project } from "../workflow/index.js";
import { desiredApps } from "./plan/desired.js";
import { isNoop, planRedeploy } from "./plan/plan.js";
import { reconcile } from "./plan/reconcile.js";
import { withApp } from "./state.js";
import type { DeployTarget } from "./targets/target.js";
import type { Toolbox } from "./toolbox/toolbox.js";
import type { AppPlan, CycleOutcome, DaemonEvent, DaemonState, DeployedApp, DesiredApp, Plan, StageTimes } from "./types.js";

// Strategy: load and render the project, ask the target what runs, plan, then execute in three
// stages. Build and push may be cancelled by a newer edit (the signal): nothing is deployed
// from a superseded plan. Deploys are not cancelled, and each one is recorded in the state as
// soon as it is done. A task whose build or push failed is not deployed: its old version serves.

export interface CycleContext {
  projectDir: string;
  config: ResolvedConfig;
  target: DeployTarget;
  /** Builds and pushes, in a worker thread. */
  toolbox: Toolbox;
  emit(e: DaemonEvent): void;
  state(): DaemonState;
  save(apps: Record<string, DeployedApp>): void;
  /** Build inputs that did not compile, by application. */
  failed: Record<string, string>;
  /** Number of the cycle running, for events. */
  cycle: number;
  /** Batches of edits the watcher has handed over so far. */
  changes: number;
  /** Look for the project's other applications on the target too (the first cycle, by annotation). */
  discover: boolean;
}

export interface CycleResult {
  outcome: CycleOutcome;
  stages: StageTimes;
  compiled: number;
  cached: number;
  pushed: number;
  deployed: number;
  removed: number;
  /** Something outside the user's input failed: try again later. */
  retry: boolean;
  plan?: Plan;
}

interface Prepared {
  project: Project;
  rendered: RenderedProject;
  desired: DesiredApp[];
  deployed: Record<string, DeployedApp>;
  plan: Plan;
}

/** Load, render, reconcile with the target, plan: everything but executing (the dry run). */
export async function preparePlan(ctx: CycleContext): Promise<Prepared> {
  const { project, rendered } = await loadAndRender(ctx.projectDir, ctx.config);
  const desired = desiredApps(rendered, ctx.target.pushes ? ctx.config.registry.url : undefined);
  const saved = ctx.state().apps;
  const running = await ctx.target.running([...new Set([...desired.map((d) => d.name), ...Object.keys(saved)])], ctx.discover ? project.name : undefined);
  const deployed = reconcile(saved, running);
  return { project, rendered, desired, deployed, plan: planRedeploy({ desired, deployed, push: ctx.target.pushes, failed: ctx.failed }) };
}

export async function runCycle(ctx: CycleContext, signal: AbortSignal, debounceMs: number): Promise<CycleResult> {
  const r: CycleResult = { outcome: "noop", stages: { debounce: debounceMs, render: 0, build: 0, push: 0, deploy: 0, swap: 0 }, compiled: 0, cached: 0, pushed: 0, deployed: 0, removed: 0, retry: false };
  const t0 = performance.now();
  let prepared: Prepared;
  try {
    prepared = await preparePlan(ctx);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    ctx.emit({ type: "invalid", message: err.message, diagnostics: [...err.diagnostics] });
    return { ...r, outcome: "invalid" };
  }
  const { project, rendered, desired, deployed, plan } = prepared;
  ctx.discover = false;
  if (JSON.stringify(deployed) !== JSON.stringify(ctx.state().apps)) ctx.save(deployed);
  r.plan = plan;
  if (isNoop(plan)) return { ...r, stages: { ...r.stages, render: performance.now() - t0 } };
  const genDir = writeGen(rendered);
  r.stages.render = performance.now() - t0;
  ctx.emit({ type: "plan", cycle: ctx.cycle, apps: plan.apps.filter((a) => a.action !== "unchanged") });

  const needs = (a: AppPlan) => a.build || a.push || (a.deploy && !ctx.target.pushes);
  const components = await build(ctx, rendered, genDir, plan.apps.filter(needs), signal, r);
  if (signal.aborted) return { ...r, outcome: "superseded" };
  const pushed = await push(ctx, rendered, plan.apps.filter((a) => a.push && components.has(a.name)), components, r);
  if (signal.aborted) return { ...r, outcome: "superseded" };

  // Deploy time is what the target calls take, less the swap; saving the state after each is not
  // in it, so that every stage ends before the new version serves.
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await call();
    } finally {
      r.stages.deploy += performance.now() - t;
    }
  };
  let failures = 0;
  if (ctx.target.pushes && ctx.config.sites && plan.apps.some((a) => a.deploy)) {
    // A leaf whose link is down cannot be asked: its streams are most likely there from before,
    // and a cloud task's fix should not wait for the link; say so and try again next cycle.
    try {
      const { plans } = await timed(() => setUpCrossings(ctx.target.nc, project, ctx.config.sites, { timeoutMs: ctx.config.nats.timeoutMs, servers: ctx.config.nats.servers }));
      if (plans.length > 0) ctx.emit({ type: "crossings", topics: plans.map((p) => p.crossing.topic) });
    } catch (err) {
      r.retry = true;
      ctx.emit({ type: "crossings-failed", message: (err as Error).message });
    }
  }
  // A sink deployed without its bucket, stream or consumer would lose what it reads.
  let sinksReady = true;
  let provider: { ref: string; manifestDigest: string } | undefined;
  if (plan.apps.some((a) => a.deploy) && project.tasks.some((t) => TEMPLATES[t.type].sink)) {
    try {
      if (ctx.target.pushes) provider = await timed(() => pushPostgresProvider(project, ctx.config.registry, { onProgress: (message) => ctx.emit({ type: "progress", message }) }));
      const { warnings } = await timed(() => setUpSinks(ctx.target.nc, project, ctx.config, { timeoutMs: ctx.config.nats.timeoutMs, ...(ctx.target.pushes ? { lattice: ctx.config.lattice } : {}) }));
      for (const message of warnings) ctx.emit({ type: "sink-warning", message });
    } catch (err) {
      sinksReady = false;
      r.retry = true;
      ctx.emit({ type: "sinks-failed", message: (err as Error).message });
    }
  }
  for (const a of plan.apps) {
    if (!a.deploy) continue;
    if (!sinksReady && TEMPLATES[rendered.tasks.find((t) => t.dir === a.name)!.task.type].sink) {
      failures++;
      continue;
    }
    const comp = components.get(a.name);
    if ((needs(a) && !comp) || (a.push && !pushed.has(a.name))) {
      failures++;
      continue;
    }
    const d = desired.find((x) => x.name === a.name)!;
    const task = rendered.tasks.find((t) => t.dir === a.name)!;
    const digest = comp?.digest ?? deployed[a.name]!.digest;
    // A lattice gets the manifest pinned to the pushed image's digest, as deploy and brush send it.
    const imageDigest = d.image ? (pushed.get(a.name) ?? deployed[a.name]?.imageDigest) : undefined;
    const manifest = d.image && imageDigest ? pinnedManifests([task], new Map([[d.image, imageDigest], ...(provider ? [[provider.ref, provider.manifestDigest] as const] : [])]))[0]! : task.manifest;
    const targetVersion = manifest.metadata.annotations.version!;
    try {
      const out = await timed(() => ctx.target.deploy({ name: a.name, version: d.version, manifest, wasm: comp?.wasm ?? "", digest }));
      r.stages.swap += out.swapMs;
      const record = { version: d.version, sourceDigest: d.sourceDigest, digest, ...(d.image ? { image: d.image } : {}), ...(imageDigest ? { imageDigest } : {}), ...(targetVersion !== d.version ? { targetVersion } : {}) };
      ctx.save(withApp(ctx.state().apps, a.name, record));
      delete ctx.failed[a.name];
      r.deployed++;
      ctx.emit({ type: "deployed", app: a.name, version: d.version, step: out.step });
    } catch (err) {
      failures++;
      r.retry = true;
      ctx.emit({ type: "deploy-failed", app: a.name, message: (err as Error).message });
    }
  }
  for (const a of plan.apps.filter((x) => x.action === "remove")) {
    try {
      await timed(() => ctx.target.remove(a.name));
      ctx.save(withApp(ctx.state().apps, a.name, undefined));
      r.removed++;
      ctx.emit({ type: "removed", app: a.name });
    } catch (err) {
      failures++;
      r.retry = true;
      ctx.emit({ type: "deploy-failed", app: a.name, message: `remove: ${(err as Error).message}` });
    }
  }
  r.stages.deploy -= r.stages.swap;
  const done = r.deployed + r.removed;
  return { ...r, outcome: failures === 0 ? "ok" : done > 0 ? "partial" : "failed" };
}

type Components = Map<string, { wasm: string; digest: string }>;

async function build(ctx: CycleContext, rendered: RenderedProject, genDir: string, apps: AppPlan[], signal: AbortSignal, r: CycleResult): Promise<Components> {
  const components: Components = new Map();
  if (apps.length === 0) return components;
  const t0 = performance.now();
  const names = new Set(apps.map((a) => a.name));
  const results = await ctx.toolbox.build({ ...rendered, tasks: rendered.tasks.filter((t) => names.has(t.dir)) }, genDir, { parallel: ctx.config.parallelBuild, forLocalHost: ctx.target.runsHere }, signal);
  r.stages.build = performance.now() - t0;
  for (const res of results) {
    if (res.ok) {
      components.set(res.component, { wasm: res.wasm, digest: res.digest });
      if (res.cacheHit) r.cached++;
      else r.compiled++;
      ctx.emit({ type: "built", app: res.component, cacheHit: res.cacheHit, seconds: res.seconds, toolchain: res.toolchain, size: res.size });
      continue;
    }
    if (signal.aborted) continue;
    if (res.error instanceof InputError) ctx.failed[res.component] = rendered.tasks.find((t) => t.dir === res.component)!.sourceDigest;
    else r.retry = true;
    ctx.emit({ type: "build-failed", app: res.component, message: res.error.message, diagnostics: res.error instanceof InputError ? [...res.error.diagnostics] : [] });
  }
  return components;
}

/** Pushes each component on its own, so one failure does not hold back the others; the registry digest of each pushed. */
async function push(ctx: CycleContext, rendered: RenderedProject, apps: AppPlan[], components: Components, r: CycleResult): Promise<Map<string, string>> {
  const pushed = new Map<string, string>();
  if (apps.length === 0) return pushed;
  const t0 = performance.now();
  await Promise.all(
    apps.map(async (a) => {
      try {
        // Only what the tag needs crosses to the toolbox, not the project's rendered files.
        const { dir, task } = rendered.tasks.find((t) => t.dir === a.name)!;
        const report = await ctx.toolbox.push({ dir, task }, { component: a.name, ...components.get(a.name)! }, ctx.config.registry, ctx.projectDir);
        const t = report.tasks[0]!;
        pushed.set(a.name, t.manifestDigest);
        if (!t.skipped) r.pushed++;
        ctx.emit({ type: "pushed", app: a.name, ref: t.ref, skipped: t.skipped });
      } catch (err) {
        r.retry = true;
        ctx.emit({ type: "push-failed", app: a.name, message: (err as Error).message });
      }
    }),
  );
  r.stages.push = performance.now() - t0;
  return pushed;
}
