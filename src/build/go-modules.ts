import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { InputError, RuntimeFailure } from "../errors.js";
import { cacheDir } from "../paths.js";
import { GO_SUM, type GoModules } from "../workflow/index.js";

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const ENV_TIMEOUT_MS = 30_000;

/**
 * Downloads the project's modules once, before the builds, into the module cache, verified against
 * go.sum (`go mod download`, then `go mod verify`), with the user's GOPROXY, GONOSUMDB, GOPRIVATE
 * and GOFLAGS. Returns the cache's folder, which builds then read only: nothing is resolved at
 * build time. A go.sum that does not match is the user's to fix (exit 2, naming go.sum).
 *
 * It runs on a copy of exactly what the tasks' modules get (the requires and go.sum), never in the
 * project folder: there `go mod download` may rewrite go.mod, and a `-modfile` in GOFLAGS would
 * verify another file than the project's go.sum.
 */
/** The go.sum line of the module Go names ("verifying <path>@<version>: …"), when there is one. */
function sumLine(goSum: string, message: string): { line?: number; col?: number } {
  const m = /verifying (\S+)@(\S+?):/.exec(message);
  const index = m ? goSum.split("\n").findIndex((l) => l.startsWith(`${m[1]} ${m[2]} `)) : -1;
  return index >= 0 ? { line: index + 1, col: 1 } : {};
}

export async function downloadModules(projectDir: string, modules: GoModules | undefined, signal?: AbortSignal): Promise<string | undefined> {
  if (!modules || modules.requires.length === 0) return undefined;
  const flags = (process.env.GOFLAGS ?? "").split(/\s+/).filter((f) => f && !/^-mod(file)?=/.test(f));
  const env = { ...process.env, GOWORK: "off", GOFLAGS: flags.join(" ") };
  const dir = mkdtempSync(join(cacheDir(), "modules-"));
  try {
    const requires = modules.requires.map((r) => `\t${r.path} ${r.version}\n`).join("");
    writeFileSync(join(dir, "go.mod"), `module pelato.local/modules\n\ngo ${modules.go ?? "1.24"}\n\nrequire (\n${requires})\n`);
    writeFileSync(join(dir, "go.sum"), modules.goSum);
    const run = (args: string[], timeout: number) => execa("go", args, { cwd: dir, env, all: true, reject: false, timeout, ...(signal ? { cancelSignal: signal } : {}) });
    for (const args of [["mod", "download"], ["mod", "verify"]]) {
      const r = await run(args, DOWNLOAD_TIMEOUT_MS);
      if ((r as { code?: string }).code === "ENOENT") throw new RuntimeFailure("the project's go.mod needs Go on PATH to download its modules");
      if (r.timedOut) throw new RuntimeFailure(`go ${args.join(" ")} for ${projectDir} took longer than ${DOWNLOAD_TIMEOUT_MS / 60_000} min and was stopped (is GOPROXY reachable?)`);
      if (r.isCanceled) throw new RuntimeFailure(`go ${args.join(" ")} for ${projectDir} was cancelled`);
      if (r.exitCode === 0) continue;
      const output = String(r.all ?? "").trim();
      // Go says SECURITY ERROR for both; only the second is about go.sum.
      if (/reported by the checksum server/.test(output)) throw new RuntimeFailure(`the module proxy serves other content than the checksum database records, not go.sum's doing:\n${output.split("\n").slice(0, 6).join("\n")}`);
      const sum = output.split("\n").find((l) => /checksum mismatch|missing go\.sum entry|go\.sum/.test(l));
      if (sum) throw new InputError([{ file: GO_SUM, ...sumLine(modules.goSum, sum), message: `does not match what was downloaded: ${sum.trim()} (if go.mod changed on purpose, run \`go mod tidy\`; otherwise go.sum or the module was tampered with)` }]);
      throw new RuntimeFailure(`go ${args.join(" ")} failed for ${projectDir}:\n${output.split("\n").slice(-8).join("\n")}`);
    }
    const cache = await run(["env", "GOMODCACHE"], ENV_TIMEOUT_MS);
    if (cache.exitCode !== 0) throw new RuntimeFailure(`go env GOMODCACHE failed: ${String(cache.all ?? "").trim()}`);
    return String(cache.stdout).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
