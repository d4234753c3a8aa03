import { execa } from "execa";
import { join } from "node:path";
import { RuntimeFailure } from "../errors.js";
import { cacheDir, TOOLCHAIN_DIR } from "../paths.js";

/**
 * The lattice's programs, built once per machine into $PELATO_CACHE by toolchain/setup (wadm and
 * the wasmCloud host from crates.io, nats-server from its Go module) or installed from Debian
 * (docker-registry). Each script prints the binary's path and reuses what is there.
 */
export async function latticeBinary(script: "nats-server" | "wadm" | "wasmcloud-host" | "registry" | "toxiproxy", onProgress?: (line: string) => void): Promise<string> {
  const child = execa("bash", [join(TOOLCHAIN_DIR, "setup", `${script}.sh`)], { env: { ...process.env, PELATO_CACHE: cacheDir() }, reject: false });
  child.stderr?.on("data", (d: Buffer) => d.toString().split("\n").filter(Boolean).forEach((l) => onProgress?.(l)));
  const r = await child;
  if (r.exitCode !== 0) throw new RuntimeFailure(`toolchain/setup/${script}.sh failed (exit ${r.exitCode}); see its output above`);
  return String(r.stdout).trim().split("\n").at(-1)!;
}
