import { Command, Option } from "commander";
import { resolveConfig, type ConfigFlags, type ResolvedConfig } from "../config/index.js";
import { loadProject, type Project } from "../workflow/index.js";
import { Output } from "./output.js";

export interface CommonOptions extends ConfigFlags {
  json?: boolean;
  verbose?: boolean;
}

/** Options every project command takes: output style and the configuration overrides. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .argument("[dir]", "project folder (holding workflow.yaml and tasks/)", ".")
    .option("--json", "print one machine-readable JSON document")
    .option("-v, --verbose", "print error causes and stack traces")
    .addOption(new Option("--registry <host[:port][/ns]>", "OCI registry for component images (REGISTRY_URL)"))
    .addOption(new Option("--lattice <name>", "wasmCloud lattice name (PELATO_LATTICE)"))
    .addOption(new Option("--parallel <n>", "builds at once: a number, True or False (PARALLEL_BUILD)"))
    .addOption(new Option("--nats-host <host>", "NATS server host (NATS_HOST)"))
    .addOption(new Option("--nats-port <port>", "NATS server port (NATS_PORT)"));
}

export function outputFor(opts: { json?: boolean; verbose?: boolean }): Output {
  return new Output(Boolean(opts.json), Boolean(opts.verbose));
}

/** The configuration; with --verbose, where each setting came from (never its value). */
export function configFor(dir: string, opts: CommonOptions, out?: Output): ResolvedConfig {
  const config = resolveConfig(dir, opts);
  // The working directory's .env may have nothing to do with this project: never silently.
  const elsewhere = Object.entries(config.sources).filter(([, s]) => !["flag", "environment", "default", ".env"].includes(s));
  if (out && elsewhere.length > 0 && !out.verbose) out.progress(`settings from ${[...new Set(elsewhere.map(([, s]) => s))].join(", ")} (the working directory's): ${elsewhere.map(([n]) => n).sort().join(", ")}`);
  if (out?.verbose) {
    const from = (s: string) => (s === "flag" ? "the command line" : s === "environment" ? "the environment" : s);
    for (const [name, source] of Object.entries(config.sources).sort()) if (source !== "default") out.progress(`setting ${name} from ${from(source)}`);
  }
  return config;
}

export async function loadProjectAndConfig(dir: string, opts: CommonOptions, out?: Output): Promise<{ project: Project; config: ResolvedConfig }> {
  const config = configFor(dir, opts, out);
  const project = await loadProject(dir, config.sites ? { tiers: config.sites.map((s) => s.tier) } : {});
  return { project, config };
}
