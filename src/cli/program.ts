import { Command, CommanderError } from "commander";
import { UsageError } from "../errors.js";
import { brushCommand } from "./commands/brush.js";
import { callCommand } from "./commands/call.js";
import { buildCommand } from "./commands/build.js";
import { deployCommand } from "./commands/deploy.js";
import { genCommand } from "./commands/gen.js";
import { graphCommand } from "./commands/graph.js";
import { initCommand } from "./commands/init.js";
import { latticeCommand } from "./commands/lattice.js";
import { pushCommand } from "./commands/push.js";
import { removeCommand } from "./commands/remove.js";
import { sendCommand } from "./commands/send.js";
import { serveCommand } from "./commands/serve.js";
import { statusCommand } from "./commands/status.js";
import { upCommand } from "./commands/up.js";
import { validateCommand } from "./commands/validate.js";
import { watchCommand } from "./commands/watch.js";
import { Output } from "./output.js";

export function createProgram(): Command {
  const program = new Command("pelatod")
    .description("Render, build and deploy Go functions as WebAssembly components on wasmCloud")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const cmd of [initCommand(), validateCommand(), genCommand(), graphCommand(), buildCommand(), pushCommand(), brushCommand(), deployCommand(), removeCommand(), statusCommand(), upCommand(), sendCommand(), latticeCommand(), watchCommand(), serveCommand(), callCommand()]) {
    program.addCommand(overridingExit(cmd));
  }
  return program;
}

/** commander exits by itself unless told not to, command by command: `run` turns its errors into exit 2. */
function overridingExit(cmd: Command): Command {
  for (const sub of cmd.commands) overridingExit(sub);
  return cmd.exitOverride().showHelpAfterError("(run with --help for usage)");
}

/** Runs the CLI and returns the exit code: 0 ok, 1 runtime failure, 2 bad input or usage. */
export async function run(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  try {
    await createProgram().parseAsync(argv, { from: "user" });
    // A command that printed its result but could not do all of it (status without wadm) says so here.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (err.exitCode === 0) return 0;
      return json ? new Output(true).failure(new UsageError(err.message.replace(/^error: /, ""))) : 2;
    }
    return new Output(json, argv.includes("--verbose") || argv.includes("-v")).failure(err);
  }
}
