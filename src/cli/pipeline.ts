import type { TaskBuildResult } from "../build/index.js";
import type { ResolvedConfig } from "../config/index.js";
import { InputError, RuntimeFailure } from "../errors.js";
import { appendRunLog, type RunRecord } from "../metrics/run-log.js";
import { renderOptionsFrom, renderProject, writeGen, type RenderedProject } from "../render/index.js";
import type { Project } from "../workflow/index.js";
import { loadProjectAndConfig, type CommonOptions } from "./context.js";
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

/** load → render → write gen/ → build every task; the shared first half of build, push and brush. */
/** forLocalHost: the components run on the embedded host, which keeps its instances (no pre-initialisation). */
export async function genAndBuild(dir: string, opts: CommonOptions & { toolchain?: ToolchainChoice; container?: boolean; forLocalHost?: boolean }, out: Output): Promise<Built> {
  const started = new Date();
  const { project, config } = await loadProjectAndConfig(dir, opts);
  const t0 = performance.now();
  const rendered = await renderProject(project, renderOptionsFrom(config));
  const genDir = writeGen(rendered);
  const genSeconds = (performance.now() - t0) / 1000;

  const progress = buildProgress(out);
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once("SIGINT", cancel);
  let results: TaskBuildResult[];
  const t1 = performance.now();
  try {
    // Loaded on use: the build stage pulls in jco and binaryen, which other commands never need.
    const { buildProject, pickToolchain } = await import("../build/index.js");
    results = await buildProject(rendered, genDir, { toolchain: await pickToolchain(opts.toolchain ?? "auto", { ...opts, preinitialize: !opts.forLocalHost }), parallel: config.parallelBuild, signal: controller.signal, onEvent: progress.onEvent });
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
