import { Command, Option } from "commander";
import { TOOLCHAIN_CHOICES, type ToolchainChoice } from "../config/index.js";
import type { Limits } from "../host/index.js";
import type { CommonOptions } from "./context.js";
import { wholeNumberOption } from "./numeric-option.js";

// Flags more than one command takes.

/**
 * --toolchain. The commands default it to auto; the daemon leaves it unset, so that its
 * PELATO_TOOLCHAIN can apply (src/config/daemon-settings.ts).
 */
export function toolchainOption(o: { fromEnvironment?: boolean } = {}): Option {
  const option = new Option(
    "--toolchain <name>",
    `compiler: go (mainline Go, local), tinygo (TinyGo in the pinned container; --no-container: from PATH) or auto (tinygo if its image is built, else go)${o.fromEnvironment ? " (PELATO_TOOLCHAIN, default auto)" : ""}`,
  ).choices(TOOLCHAIN_CHOICES);
  return o.fromEnvironment ? option : option.default("auto" satisfies ToolchainChoice);
}

/** --no-container: run the tinygo toolchain from PATH instead of its container. */
export function noContainerOption(): Option {
  return new Option("--no-container", "with --toolchain tinygo: run the tinygo on PATH, not the pinned container");
}

export type DeployFlags = CommonOptions & { wait: boolean; waitTimeout: number };

export function withDeployOptions(cmd: Command): Command {
  return cmd.option("--no-wait", "return once wadm has accepted the deploy requests").addOption(wholeNumberOption("--wait-timeout <seconds>", "how long to wait for deployed", 1, 86_400).default(120));
}

/** The embedded host's limits, as `up` and `watch --local` take them (`note` prefixes each description). */
export type LimitFlags = { messageTimeout: number; memoryLimit: number; startTimeout: number };

export function withLimitOptions(cmd: Command, note = ""): Command {
  return cmd
    .addOption(wholeNumberOption("--message-timeout <ms>", `${note}longest a task may spend on one message`, 1, 3_600_000).default(5000))
    .addOption(wholeNumberOption("--memory-limit <MiB>", `${note}largest memory of one task`, 1, 4096).default(256))
    .addOption(wholeNumberOption("--start-timeout <ms>", `${note}longest a task may take to start (its init functions)`, 1, 3_600_000).default(30_000));
}

export function limitsFrom(f: LimitFlags): Limits {
  return { messageTimeoutMs: f.messageTimeout, memoryLimitBytes: f.memoryLimit * 2 ** 20, startTimeoutMs: f.startTimeout };
}
