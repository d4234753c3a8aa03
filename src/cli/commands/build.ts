import { Command, Option } from "commander";
import type { TaskBuildResult, Toolchain } from "../../build/index.js";
import { InputError, RuntimeFailure } from "../../errors.js";
import { renderProject, writeGen } from "../../render/index.js";
import { appendRunLog } from "../../metrics/run-log.js";
import { loadProjectAndConfig, outputFor, renderOptionsFrom, withCommonOptions, type CommonOptions } from "../context.js";
import { buildProgress } from "../progress.js";

type BuildFlags = CommonOptions & { toolchain: "go" | "auto" };

export function buildCommand(): Command {
  return withCommonOptions(new Command("build").description("gen, then compile every task into a WebAssembly component: gen/<component>/build/<component>.wasm"))
    .addOption(new Option("--toolchain <name>", "compiler: go (mainline Go, local) or auto").choices(["go", "auto"]).default("auto"))
    .action(async (dir: string, opts: BuildFlags) => {
      const out = outputFor(opts);
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
      try {
        // Loaded on use: the build stage pulls in jco and binaryen, which other commands never need.
        const { buildProject } = await import("../../build/index.js");
        results = await buildProject(rendered, genDir, { toolchain: await pickToolchain(opts.toolchain), parallel: config.parallelBuild, signal: controller.signal, onEvent: progress.onEvent });
      } finally {
        progress.stop();
        process.off("SIGINT", cancel);
      }
      const seconds = (performance.now() - t0) / 1000;
      if (config.enableMetrics) {
        const stages = { code_gen: { gen_time: round(genSeconds), tasks: project.tasks.length }, build: { build_time: round(seconds - genSeconds), built: results.filter((r) => r.ok && !r.cacheHit).length, cached: results.filter((r) => r.ok && r.cacheHit).length, failed: results.filter((r) => !r.ok).length } };
        appendRunLog(project.dir, { command: "build", project: project.name, started_at: started.toISOString(), stages });
      }
      throwIfFailed(results);
      const ok = results.filter((r) => r.ok);
      const summary = { seconds, parallel: config.parallelBuild, tasks: ok.map(({ ok: _ok, ...rest }) => rest) };
      out.result(summary, `built ${ok.length} component${ok.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s (${ok.filter((r) => r.cacheHit).length} from cache)`);
    });
}

async function pickToolchain(name: BuildFlags["toolchain"]): Promise<Toolchain> {
  // auto: the pinned TinyGo container will be preferred once it exists; today go is the one toolchain.
  void name;
  const { GoToolchain } = await import("../../build/index.js");
  return new GoToolchain();
}

/** Compile errors are the user's (exit 2, every diagnostic); anything else is a runtime failure. */
function throwIfFailed(results: TaskBuildResult[]): void {
  const failed = results.flatMap((r) => (r.ok ? [] : [r]));
  if (failed.length === 0) return;
  const inputErrors = failed.flatMap((r) => (r.error instanceof InputError ? [r.error] : []));
  if (inputErrors.length === failed.length) throw new InputError(inputErrors.flatMap((e) => e.diagnostics));
  throw new RuntimeFailure(failed.map((r) => `${r.component}: ${r.error.message}`).join("\n"), { cause: failed[0]!.error });
}

function round(n: number): number {
  return Number(n.toFixed(3));
}
