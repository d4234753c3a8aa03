import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { TOOLCHAIN_DIR } from "../paths.js";

/** toolchain/tinygo: the recipe of the pinned toolchain image (versions.env, build-image.sh). */
export const TINYGO_RECIPE_DIR = join(TOOLCHAIN_DIR, "tinygo");

export type ContainerEngine = "docker" | "podman";
export const CONTAINER_ENGINES: readonly ContainerEngine[] = ["docker", "podman"];

/** The pins of versions.env as key → value (comments and blank lines dropped). */
export function parseVersions(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export function tinygoVersions(dir = TINYGO_RECIPE_DIR): Record<string, string> {
  return parseVersions(readFileSync(join(dir, "versions.env"), "utf8"));
}

/**
 * The image tag build-image.sh produces: `pelato-tinygo:<version>-<hash of the recipe>`, the
 * same sha256 over versions.env, build-image.sh and net/*.go (not its tests, in byte order) as
 * the script's. A changed pin, recipe or net package names a new image, so a stale one is never used.
 */
export function tinygoImageTag(dir = TINYGO_RECIPE_DIR): string {
  const h = createHash("sha256");
  const net = readdirSync(join(dir, "net"))
    .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
    .sort()
    .map((f) => join("net", f));
  for (const f of ["versions.env", "build-image.sh", ...net]) h.update(readFileSync(join(dir, f)));
  return `pelato-tinygo:${tinygoVersions(dir).TINYGO_VERSION}-${h.digest("hex").slice(0, 12)}`;
}

/**
 * The engine to run containers with: PELATO_CONTAINER_ENGINE if set, else the first of docker
 * and podman whose daemon answers. Undefined when there is none.
 */
export async function findEngine(env: NodeJS.ProcessEnv = process.env): Promise<ContainerEngine | undefined> {
  const wanted = env.PELATO_CONTAINER_ENGINE;
  const candidates = wanted ? [wanted as ContainerEngine] : CONTAINER_ENGINES;
  for (const engine of candidates) {
    // docker's client answers `version` without a daemon; asking for the server's version needs one.
    const r = await execa(engine, engine === "docker" ? ["version", "--format", "{{.Server.Version}}"] : ["version"], { reject: false, timeout: 15_000 });
    if (r.exitCode === 0) return engine;
  }
  return undefined;
}

/** The image's ID (sha256:… of its config, i.e. its digest in the local store), or undefined when absent. */
export async function imageId(engine: ContainerEngine, tag: string): Promise<string | undefined> {
  const r = await execa(engine, ["image", "inspect", "--format", "{{.Id}}", tag], { reject: false, timeout: 15_000 });
  const id = String(r.stdout).trim();
  if (r.exitCode !== 0 || id === "") return undefined;
  return id.startsWith("sha256:") ? id : `sha256:${id}`; // podman prints the bare hex
}

/** The pinned image if an engine has it: what `--toolchain auto` checks before preferring tinygo. */
export async function findTinygoImage(env: NodeJS.ProcessEnv = process.env): Promise<{ engine: ContainerEngine; tag: string; id: string } | undefined> {
  const engine = await findEngine(env);
  if (!engine) return undefined;
  const tag = tinygoImageTag();
  const id = await imageId(engine, tag);
  return id ? { engine, tag, id } : undefined;
}
