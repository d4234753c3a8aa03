import { Command } from "commander";
import { appendRunLog } from "../../metrics/index.js";
import { outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { genAndBuild, type ToolchainChoice } from "../pipeline.js";
import { noContainerOption, toolchainOption } from "../options.js";

export function buildCommand(): Command {
  return withCommonOptions(new Command("build").description("gen, then compile every task into a WebAssembly component: gen/<component>/build/<component>.wasm"))
    .addOption(toolchainOption())
    .addOption(noContainerOption())
    .action(async (dir: string, opts: CommonOptions & { toolchain: ToolchainChoice; container: boolean }) => {
      const out = outputFor(opts);
      const t0 = performance.now();
      const built = await genAndBuild(dir, opts, out);
      const seconds = (performance.now() - t0) / 1000;
      if (built.config.enableMetrics) appendRunLog(built.project.dir, { command: "build", project: built.project.name, started_at: built.started.toISOString(), stages: built.stages });
      const tasks = built.results.map(({ ok: _ok, ...rest }) => rest);
      const cached = tasks.filter((r) => r.cacheHit).length;
      out.result({ seconds, parallel: built.config.parallelBuild, tasks }, `built ${tasks.length} component${tasks.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s (${cached} from cache)`);
    });
}
