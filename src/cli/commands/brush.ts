import { Command } from "commander";
import { outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { genAndBuild, type ToolchainChoice } from "../pipeline.js";
import { toolchainOption } from "./build.js";
import { pushBuilt, pushSummary } from "./push.js";

/** Said by brush until deploy exists, in both human and --json output. */
export const DEPLOY_NOT_YET = "deploy is not implemented yet: brush stopped after push (deploy the rendered gen/*/wadm.yaml with wash or wadm for now)";

export function brushCommand(): Command {
  return withCommonOptions(new Command("brush").description("gen, build, push and deploy in one go (deploy is not implemented yet: stops after push)"))
    .addOption(toolchainOption())
    .action(async (dir: string, opts: CommonOptions & { toolchain: ToolchainChoice }) => {
      const out = outputFor(opts);
      const built = await genAndBuild(dir, opts, out);
      const report = await pushBuilt(built, out, "brush");
      out.result({ ...report, deployed: false, note: DEPLOY_NOT_YET }, `${pushSummary(report)}\n${DEPLOY_NOT_YET}`);
    });
}
