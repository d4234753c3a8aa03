import { Command } from "commander";
import { loadAndRender, pinnedManifests, requireImages } from "../../pipeline/index.js";
import { writeGen } from "../../render/index.js";
import { configFor, outputFor, withCommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";
import { withDeployOptions, type DeployFlags } from "../options.js";
import { deployWithProgress } from "../pipeline.js";

export function deployCommand(): Command {
  return withDeployOptions(withNatsOptions(withCommonOptions(new Command("deploy").description("publish each task's application to wadm over NATS (its images must be in the registry) and wait until it is deployed"))))
    .action(async (dir: string, opts: DeployFlags) => {
      const out = outputFor(opts);
      const config = configFor(dir, opts, out);
      const { project, rendered } = await loadAndRender(dir, config);
      const genDir = writeGen(rendered);
      const digests = await requireImages(rendered, genDir, config.registry);
      const result = await withWadm(config, (wadm) => deployWithProgress(wadm, pinnedManifests(rendered.tasks, digests), opts, out, project, config));
      const text = result.steps.map((s) => `  ${s.name} ${out.color.dim(s.version)} ${s.step === "unchanged" ? "unchanged" : "deployed"}`).join("\n");
      out.result(result, `${config.lattice}: ${result.steps.filter((s) => s.step !== "unchanged").length} of ${result.steps.length} applications sent\n${text}`);
    });
}

