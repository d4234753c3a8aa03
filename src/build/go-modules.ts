import { execa } from "execa";
import { InputError, RuntimeFailure } from "../errors.js";
import { GO_SUM, type GoModules } from "../workflow/index.js";

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/**
 * Downloads the project's modules once, before the builds, into the module cache, verified against
 * go.sum (`go mod download`, then `go mod verify`), with the user's GOPROXY, GONOSUMDB, GOPRIVATE
 * and GOFLAGS. Returns the cache's folder, which builds then read only: nothing is resolved at
 * build time. A go.sum that does not match is the user's to fix (exit 2, naming go.sum).
 */
export async function downloadModules(projectDir: string, modules: GoModules | undefined, signal?: AbortSignal): Promise<string | undefined> {
  if (!modules || modules.requires.length === 0) return undefined;
  const env = { ...process.env, GOWORK: "off" };
  const run = (args: string[]) => execa("go", args, { cwd: projectDir, env, all: true, reject: false, timeout: DOWNLOAD_TIMEOUT_MS, ...(signal ? { cancelSignal: signal } : {}) });
  for (const args of [["mod", "download"], ["mod", "verify"]]) {
    const r = await run(args);
    if ((r as { code?: string }).code === "ENOENT") throw new RuntimeFailure("the project's go.mod needs Go on PATH to download its modules");
    if (r.timedOut) throw new RuntimeFailure(`go ${args.join(" ")} in ${projectDir} took longer than ${DOWNLOAD_TIMEOUT_MS / 60_000} min and was stopped (is GOPROXY reachable?)`);
    if (r.exitCode === 0) continue;
    const output = String(r.all ?? "").trim();
    const sum = output.split("\n").find((l) => /checksum mismatch|SECURITY ERROR|missing go\.sum entry|go\.sum/.test(l));
    if (sum) throw new InputError([{ file: GO_SUM, message: `does not match what was downloaded: ${sum.trim()} (if go.mod changed on purpose, run \`go mod tidy\`; otherwise go.sum or the module was tampered with)` }]);
    throw new RuntimeFailure(`go ${args.join(" ")} failed in ${projectDir}:\n${output.split("\n").slice(-8).join("\n")}`);
  }
  const cache = await execa("go", ["env", "GOMODCACHE"], { cwd: projectDir, env });
  return cache.stdout.trim();
}
