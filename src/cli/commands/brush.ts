import { Command } from "commander";
import { pinnedManifests } from "../../pipeline/index.js";
import { outputFor, withCommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";
import { deployWithProgress, genAndBuild, pushBuilt, pushSummary, type ToolchainChoice } from "../pipeline.js";
import { toolchainOption, withDeployOptions, type DeployFlags } from "../options.js";

/** Said by brush when no registry is configured: hosts could not pull what it would deploy. */
export const NO_REGISTRY = "no REGISTRY_URL: pushed to the local OCI layout only, nothing deployed (a lattice's hosts pull from a registry; pelatod up runs the project locally)";

export function brushCommand(): Command {
  return withDeployOptions(withNatsOptions(withCommonOptions(new Command("brush").description("gen, build, push and deploy in one go"))))
    .addOption(toolchainOption())
    .action(async (dir: string, opts: DeployFlags & { toolchain: ToolchainChoice }) => {
      const out = outputFor(opts);
      const built = await genAndBuild(dir, opts, out);
      // Push throws unless every component is in the registry: nothing below deploys an image that is not.
      const report = await pushBuilt(built, out, "brush");
      if (!built.config.registry.configured) {
        out.result({ push: report, deployed: false, note: NO_REGISTRY }, `${pushSummary(report)}\n${NO_REGISTRY}`);
        return;
      }
      // Pinned to the digests just pushed: hosts run exactly this build, whatever the tag held before.
      const digests = new Map(report.tasks.map((t) => [t.ref, t.manifestDigest]));
      const deploy = await withWadm(built.config, (wadm) => deployWithProgress(wadm, pinnedManifests(built.rendered.tasks, digests), opts, out, built.project, built.config));
      const sent = deploy.steps.filter((s) => s.step !== "unchanged").length;
      out.result({ push: report, deployed: true, ...deploy }, `${pushSummary(report)}\n${built.config.lattice}: ${sent} of ${deploy.steps.length} applications sent${deploy.waited ? ", all deployed" : ""}`);
    });
}
