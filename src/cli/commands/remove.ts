import { Command } from "commander";
import { PROJECT_ANNOTATION } from "../../render/index.js";
import { projectApplications, removeApplications } from "../../wadm/index.js";
import { loadProjectAndConfig, outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";

export function removeCommand(): Command {
  return withNatsOptions(withCommonOptions(new Command("remove").description("undeploy and delete this project's applications (and only those) from wadm"))).action(
    async (dir: string, opts: CommonOptions) => {
      const out = outputFor(opts);
      const { project, config } = await loadProjectAndConfig(dir, opts);
      const removed = await withWadm(config, async (wadm) => removeApplications(wadm, await projectApplications(wadm, project.name, PROJECT_ANNOTATION)));
      out.result({ removed }, removed.length === 0 ? "nothing of this project was deployed" : `removed ${removed.join(", ")}`);
    },
  );
}
