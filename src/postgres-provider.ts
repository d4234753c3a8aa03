// pelatod's capability provider for PostgreSQL (toolchain/postgres-provider): where its archive
// is built, and the image it is pushed as. Its tag is the version and a hash of the crate's
// sources, computed as toolchain/setup/postgres-provider.sh computes it, so that rendering knows
// the image without building it.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { execa } from "execa";
import { RuntimeFailure } from "./errors.js";
import { cacheDir, TOOLCHAIN_DIR } from "./paths.js";

export const POSTGRES_PROVIDER_REPOSITORY = "pelato-postgres-provider";
const CRATE_DIR = join(TOOLCHAIN_DIR, "postgres-provider");

let tag: string | undefined;
/** `<version>-<12 hex>` of the crate's Cargo.toml, Cargo.lock, src and wit. */
export function postgresProviderTag(): string {
  if (tag) return tag;
  const files = ["Cargo.toml", "Cargo.lock", ...walk("src"), ...walk("wit")].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const hash = createHash("sha256");
  for (const f of files) hash.update(readFileSync(join(CRATE_DIR, f)));
  const version = /^version = "([^"]+)"/m.exec(readFileSync(join(CRATE_DIR, "Cargo.toml"), "utf8"))![1]!;
  return (tag = `${version}-${hash.digest("hex").slice(0, 12)}`);
}

function walk(dir: string): string[] {
  return readdirSync(join(CRATE_DIR, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(CRATE_DIR, join(e.parentPath, e.name)));
}

export function postgresProviderImage(registry: string): string {
  return `${registry}/${POSTGRES_PROVIDER_REPOSITORY}:${postgresProviderTag()}`;
}

/** The provider archive, built once per machine (about 8 to 11 minutes the first time). */
export async function postgresProviderArchive(onProgress: (line: string) => void = () => {}): Promise<Uint8Array> {
  const expected = join(cacheDir(), "bin", `${POSTGRES_PROVIDER_REPOSITORY}-${postgresProviderTag()}.par.gz`);
  try {
    return readFileSync(expected);
  } catch {
    // not built on this machine yet
  }
  onProgress("building the PostgreSQL capability provider (once per machine, about 10 minutes)");
  const child = execa("nice", ["-n", "10", "bash", join(TOOLCHAIN_DIR, "setup", "postgres-provider.sh")], { env: { ...process.env, PELATO_CACHE: cacheDir() }, reject: false, all: true });
  child.stderr?.on("data", (d: Buffer) => d.toString().split("\n").filter((l) => l.startsWith("pelato setup:")).forEach(onProgress));
  const r = await child;
  if (r.exitCode !== 0) throw new RuntimeFailure(`building the PostgreSQL provider failed (toolchain/setup/postgres-provider.sh, exit ${r.exitCode}):\n${String(r.all ?? "").split("\n").slice(-15).join("\n")}`);
  return readFileSync(`${String(r.stdout).trim()}.par.gz`);
}
