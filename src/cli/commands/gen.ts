import { Command } from "commander";
import { relative } from "node:path";
import { appendRunLog } from "../../metrics/index.js";
import { loadAndRender } from "../../pipeline/index.js";
import { writeGen } from "../../render/index.js";
import { configFor, outputFor, withCommonOptions, type CommonOptions } from "../context.js";

export function genCommand(): Command {
  return withCommonOptions(new Command("gen").description("render every task into gen/<component>/: its Go project and its wadm.yaml (one application each, as wadm takes them)")).action(
    async (dir: string, opts: CommonOptions) => {
      const out = outputFor(opts);
      const started = new Date();
      const t0 = performance.now();
      const config = configFor(dir, opts, out);
      const { project, rendered } = await loadAndRender(dir, config);
      const genDir = writeGen(rendered);
      const seconds = (performance.now() - t0) / 1000;
      if (config.enableMetrics) {
        appendRunLog(project.dir, { command: "gen", project: project.name, started_at: started.toISOString(), stages: { code_gen: { gen_time: Number(seconds.toFixed(3)), tasks: project.tasks.length } } });
      }
      const tasks = rendered.tasks.map((t) => ({ component: t.task.component_name, dir: `gen/${t.dir}`, version: t.version, world: t.template.world }));
      const lines = tasks.map((t) => `  ${t.dir}  ${out.color.dim(t.version)}`);
      out.result({ gen: genDir, seconds, tasks }, `generated ${relative(process.cwd(), genDir) || genDir} in ${(seconds * 1000).toFixed(0)} ms\n${lines.join("\n")}`);
    },
  );
}
