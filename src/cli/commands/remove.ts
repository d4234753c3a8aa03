import { Command } from "commander";
import { readState } from "../../daemon/index.js";
import { findProjectApplications, forgetDeployed, removeFromLattice } from "../../pipeline/index.js";
import { loadProjectAndConfig, outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";
import { jetStreamDomain } from "../../sites.js";

export function removeCommand(): Command {
  return withNatsOptions(withCommonOptions(new Command("remove").description("undeploy and delete this project's applications (and only those) from wadm")))
    .option("--original", "also remove the applications the original PELATO deployed for these tasks (it named each after the task's `name`)")
    .action(async (dir: string, opts: CommonOptions & { original?: boolean }) => {
      const out = outputFor(opts);
      const { project, config } = await loadProjectAndConfig(dir, opts, out);
      const state = readState(project.dir, `lattice:${config.lattice}`);
      const daemonVersions = new Map(Object.entries(state.apps).map(([name, a]) => [name, a.targetVersion ?? a.version]));
      const { removed, original } = await withWadm(config, async (wadm) => {
        const found = await findProjectApplications(wadm, { projectDir: project.dir, project: project.name, daemonVersions, ...(opts.original ? { original: project.tasks.map((t) => ({ name: t.name, component: t.component_name })) } : {}) });
        const jsDomain = jetStreamDomain(config);
        return { removed: await removeFromLattice(wadm, { names: [...found.apps, ...found.original], ...(jsDomain ? { jsDomain } : {}) }), original: found.original };
      });
      forgetDeployed(project.dir, config.lattice, removed);
      const text = removed.length === 0 ? "nothing of this project was deployed" : `removed ${removed.join(", ")}${original.length > 0 ? ` (of them, deployed by the original PELATO: ${original.join(", ")})` : ""}`;
      out.result({ removed, original }, text);
    });
}
