import { Command } from "commander";
import { outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { genAndBuild, pushBuilt, pushSummary, type ToolchainChoice } from "../pipeline.js";
import { toolchainOption } from "../options.js";

export function pushCommand(): Command {
  return withCommonOptions(
    new Command("push").description("gen and build, then publish each component as a Wasm OCI artifact: to REGISTRY_URL, or without one to <project>/.pelato/oci/<component> (an OCI image layout per component, entries named by version)"),
  )
    .addOption(toolchainOption())
    .action(async (dir: string, opts: CommonOptions & { toolchain: ToolchainChoice }) => {
      const out = outputFor(opts);
      const built = await genAndBuild(dir, opts, out);
      const report = await pushBuilt(built, out);
      out.result(report, pushSummary(report));
    });
}



