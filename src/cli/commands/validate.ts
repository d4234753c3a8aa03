import { Command } from "commander";
import { loadProjectAndConfig, outputFor, withCommonOptions, type CommonOptions } from "../context.js";

export function validateCommand(): Command {
  return withCommonOptions(new Command("validate").description("check workflow.yaml, the tasks' Go files and the project's go.mod/go.sum; report every problem at once")).action(
    async (dir: string, opts: CommonOptions) => {
      const out = outputFor(opts);
      const { project, config } = await loadProjectAndConfig(dir, opts, out);
      (await import("../../pipeline/index.js")).requireDatabase(project, config);
      if (project.goModules?.requires.length) {
        // go.sum is checked against what the modules are: downloaded (or found in the module cache) and verified.
        const { downloadModules } = await import("../../build/index.js");
        await downloadModules(project.dir, project.goModules);
      }
      const tasks = project.tasks.map((t) => ({ name: t.name, component: t.component_name, type: t.type, targets: t.targets, code: t.codePath }));
      out.result({ project: project.name, tasks }, `${out.color.green("ok")}: ${project.name}: ${tasks.length} task${tasks.length === 1 ? "" : "s"} valid`);
    },
  );
}
