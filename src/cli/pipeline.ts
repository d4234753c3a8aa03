// The pipeline's stages (src/pipeline) as the commands run them: with progress for people, run logs
// and the summaries they print.
import type { TaskBuildResult } from "../build/index.js";
import type { ResolvedConfig } from "../config/index.js";
import { InputError, RuntimeFailure } from "../errors.js";
import { appendRunLog, type RunRecord } from "../metrics/index.js";
import type { PushEvent, PushReport } from "../oci/index.js";
import { leafDenySnippet } from "../lattice/index.js";
import { buildTasks, deployAndWait, loadAndRender, pushBuilt as pushStage, pushPostgresProvider, recordDeployed, setUpCrossings, setUpSinks } from "../pipeline/index.js";
import { writeGen, type Manifest, type RenderedProject } from "../render/index.js";
import type { WadmClient } from "../wadm/index.js";
import type { Project } from "../workflow/index.js";
import { configFor, type CommonOptions } from "./context.js";
import type { Output } from "./output.js";
import { buildProgress } from "./progress.js";

export type { ToolchainChoice } from "../build/index.js";
import type { ToolchainChoice } from "../build/index.js";

export interface Built {
  project: Project;
  config: ResolvedConfig;
  rendered: RenderedProject;
  genDir: string;
  results: (TaskBuildResult & { ok: true })[];
  stages: RunRecord["stages"];
  started: Date;
}

/** load → render → write gen/ → build every task (src/pipeline), with progress: the first half of build, push, brush and up. */
export async function genAndBuild(dir: string, opts: CommonOptions & { toolchain?: ToolchainChoice; container?: boolean; forLocalHost?: boolean }, out: Output): Promise<Built> {
  const started = new Date();
  const config = configFor(dir, opts, out);
  const t0 = performance.now();
  const { project, rendered } = await loadAndRender(dir, config);
  const genDir = writeGen(rendered);
  const genSeconds = (performance.now() - t0) / 1000;

  const progress = buildProgress(out);
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once("SIGINT", cancel);
  let results: TaskBuildResult[];
  const t1 = performance.now();
  try {
    results = await buildTasks(rendered, genDir, { toolchain: { choice: opts.toolchain ?? "auto", container: opts.container ?? true, forLocalHost: Boolean(opts.forLocalHost) }, parallel: config.parallelBuild, signal: controller.signal, onEvent: progress.onEvent });
  } finally {
    progress.stop();
    process.off("SIGINT", cancel);
  }
  const stages: RunRecord["stages"] = {
    code_gen: { gen_time: round(genSeconds), tasks: project.tasks.length },
    build: { build_time: round((performance.now() - t1) / 1000), built: results.filter((r) => r.ok && !r.cacheHit).length, cached: results.filter((r) => r.ok && r.cacheHit).length, failed: results.filter((r) => !r.ok).length },
  };
  if (results.some((r) => !r.ok)) {
    if (config.enableMetrics) appendRunLog(project.dir, { command: "build", project: project.name, started_at: started.toISOString(), stages });
    throwIfFailed(results);
  }
  return { project, config, rendered, genDir, results: results as Built["results"], stages, started };
}

/** Compile errors are the user's (exit 2, every diagnostic); anything else is a runtime failure. */
function throwIfFailed(results: TaskBuildResult[]): void {
  const failed = results.flatMap((r) => (r.ok ? [] : [r]));
  if (failed.length === 0) return;
  const inputErrors = failed.flatMap((r) => (r.error instanceof InputError ? [r.error] : []));
  if (inputErrors.length === failed.length) throw new InputError(inputErrors.flatMap((e) => e.diagnostics));
  throw new RuntimeFailure(failed.map((r) => `${r.component}: ${r.error.message}`).join("\n"), { cause: failed[0]!.error });
}

export function round(n: number): number {
  return Number(n.toFixed(3));
}

/** The push half of push and brush: every built component, with progress; logs the run when metrics are on. */
export async function pushBuilt(built: Built, out: Output, command = "push"): Promise<PushReport> {
  const t0 = performance.now();
  const report = await pushStage(built.rendered.tasks, built.results, { registry: built.config.registry, projectDir: built.project.dir, onEvent: (e) => progress(out, e) });
  const provider = await pushPostgresProvider(built.project, built.config.registry, { onEvent: (e) => progress(out, e), onProgress: (l) => out.progress(l) });
  if (provider) report.tasks.push(provider);
  if (built.config.enableMetrics) {
    const pushed = report.tasks.filter((t) => !t.skipped);
    const push = { push_time: round((performance.now() - t0) / 1000), pushed: pushed.length, skipped: report.tasks.length - pushed.length, blobs_uploaded: pushed.reduce((n, t) => n + t.blobsUploaded, 0) };
    appendRunLog(built.project.dir, { command, project: built.project.name, started_at: built.started.toISOString(), stages: { ...built.stages, push } });
  }
  return report;
}

export function pushSummary(r: PushReport): string {
  const pushed = r.tasks.filter((t) => !t.skipped).length;
  const blobs = r.tasks.reduce((n, t) => n + t.blobsUploaded, 0);
  const where = r.destination === "registry" ? `registry ${r.location}` : `OCI layout ${r.location} (no REGISTRY_URL set)`;
  return `${where}: pushed ${pushed}, up to date ${r.tasks.length - pushed}, ${blobs} blob${blobs === 1 ? "" : "s"} uploaded\n${r.tasks.map((t) => `  ${t.ref} ${t.manifestDigest}`).join("\n")}`;
}

function progress(out: Output, e: PushEvent): void {
  const c = out.color;
  if (e.type === "start") out.progress(`${c.cyan("pushing")}  ${e.ref}`);
  else if (e.type === "retry") out.progress(c.yellow(`  retry ${e.attempt}: ${e.method} ${e.path} (${e.reason}), waiting ${e.delayMs} ms`));
  else if (e.result.skipped) out.progress(`${c.green("current")}  ${e.result.ref} ${c.dim("(already in the registry)")}`);
  else out.progress(`${c.green("pushed")}   ${e.result.ref} ${c.dim(`${e.result.blobsUploaded} blob(s), ${(e.result.bytesUploaded / 1024).toFixed(0)} KiB, ${e.result.seconds.toFixed(1)} s`)}`);
}

/**
 * The deploy half of deploy and brush, with progress: on sites, the crossing topics' streams are
 * set up first (a site that does not answer stops it before anything is deployed); then what
 * changed is sent to wadm, and waited for.
 */
export async function deployWithProgress(wadm: WadmClient, manifests: Manifest[], opts: { wait: boolean; waitTimeout: number }, out: Output, project: Project, config: ResolvedConfig) {
  const { plans, deny, leafLinks } = await setUpCrossings(wadm.nc, project, config.sites, {
    timeoutMs: config.nats.timeoutMs,
    servers: config.nats.servers,
    onStep: (s) => out.progress(`${s.action === "unchanged" ? out.color.dim("unchanged") : out.color.cyan(`stream ${s.action}`)} ${s.stream} ${out.color.dim(`(${s.topic}, domain ${s.domain})`)}`),
  });
  if (plans.length > 0 && !leafLinks) {
    for (const [tier, topics] of deny) out.progress(out.color.yellow(`each ${tier} site's leaf remote to the hub must have ${leafDenySnippet(topics)}, or what the hub republishes flows back into its capture (pelatod cannot read your servers' configuration)`));
  }
  const sinks = await setUpSinks(wadm.nc, project, config, {
    timeoutMs: config.nats.timeoutMs,
    lattice: wadm.lattice,
    onStep: (s) => s.action !== "unchanged" && out.progress(`${out.color.cyan(`${s.kind} ${s.action}`)} ${s.name}`),
  });
  for (const w of sinks.warnings) out.progress(out.color.yellow(`warning: ${w}`));
  const streams = plans.map((p) => ({ topic: p.crossing.topic, stream: p.forward.name, from: p.captures.map((c) => c.domain), to: p.forward.domain, limits: p.crossing.limits }));
  const last = new Map<string, string>();
  // Recorded whether or not the wait succeeds: what was put is on the lattice either way.
  let deployed: Awaited<ReturnType<typeof deployAndWait>>;
  try {
    deployed = await deployAndWait(wadm, manifests, {
      ...(opts.wait ? { waitMs: opts.waitTimeout * 1000 } : {}),
      onStep: (s) => out.progress(`${s.step === "unchanged" ? out.color.dim("unchanged") : out.color.cyan("deploying")} ${s.name} ${out.color.dim(s.version)}`),
      onStatus: (name, st) => {
        const line = `${st.type}${st.message ? `: ${st.message}` : ""}`;
        if (last.get(name) !== line) out.progress(`  ${name}: ${line}`);
        last.set(name, line);
      },
    });
  } finally {
    try {
      recordDeployed(project.dir, wadm.lattice, manifests.map((m) => m.metadata.name), project.name);
    } catch (err) {
      out.progress(out.color.yellow(`warning: could not record what was deployed (remove finds it by its annotation still): ${(err as Error).message}`));
    }
  }
  return { ...deployed, streams };
}
