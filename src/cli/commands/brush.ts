import { Command } from "commander";
import { pinManifest } from "../../wadm/index.js";
import { outputFor, withCommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";
import { genAndBuild, type ToolchainChoice } from "../pipeline.js";
import { toolchainOption } from "./build.js";
import { deployAndWait, withDeployOptions, type DeployFlags } from "./deploy.js";
import { pushBuilt, pushSummary } from "./push.js";

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
      const manifests = built.rendered.tasks.map((t) => pinManifest(t.manifest, digests));
      const deploy = await withWadm(built.config, (wadm) => deployAndWait(wadm, manifests, opts, out));
      const sent = deploy.steps.filter((s) => s.step !== "unchanged").length;
      out.result({ push: report, deployed: true, ...deploy }, `${pushSummary(report)}\n${built.config.lattice}: ${sent} of ${deploy.steps.length} applications sent${deploy.waited ? ", all deployed" : ""}`);
    });
}
