import { spawnSync } from "node:child_process";
import { CLI } from "./project.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built pelatod binary as a user would. */
export function pelatod(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: "1", ...opts.env }, encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
