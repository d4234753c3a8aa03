import { Command } from "commander";
import { removeFromLattice } from "../../pipeline/index.js";
import { loadProjectAndConfig, outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";

export function removeCommand(): Command {
  return withNatsOptions(withCommonOptions(new Command("remove").description("undeploy and delete this project's applications (and only those) from wadm"))).action(
    async (dir: string, opts: CommonOptions) => {
      const out = outputFor(opts);
      const { project, config } = await loadProjectAndConfig(dir, opts, out);
      const removed = await withWadm(config, (wadm) => removeFromLattice(wadm, { project: project.name }));
      out.result({ removed }, removed.length === 0 ? "nothing of this project was deployed" : `removed ${removed.join(", ")}`);
    },
  );
}
