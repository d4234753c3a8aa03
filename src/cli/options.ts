import { Command, Option } from "commander";
import type { CommonOptions } from "./context.js";
import { wholeNumberOption } from "./numeric-option.js";

// Flags more than one command takes.

export function toolchainOption(): Option {
  return new Option("--toolchain <name>", "compiler: go (mainline Go, local), tinygo (TinyGo in the pinned container; --no-container: from PATH) or auto (tinygo if its image is built, else go)")
    .choices(["go", "tinygo", "auto"])
    .default("auto");
}

/** --no-container: run the tinygo toolchain from PATH instead of its container. */
export function noContainerOption(): Option {
  return new Option("--no-container", "with --toolchain tinygo: run the tinygo on PATH, not the pinned container");
}

export type DeployFlags = CommonOptions & { wait: boolean; waitTimeout: string };

export function withDeployOptions(cmd: Command): Command {
  return cmd.option("--no-wait", "return once wadm has accepted the deploy requests").addOption(wholeNumberOption("--wait-timeout <seconds>", "how long to wait for deployed", 1, 86_400).default(120));
}
