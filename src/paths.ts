import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";
import { homedir } from "node:os";

/** The installed package's root: compiled code lives in dist/src, assets beside dist. */
export const PACKAGE_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
export const TEMPLATES_DIR = join(PACKAGE_ROOT, "templates");
export const SCHEMA_FILE = join(PACKAGE_ROOT, "schema", "workflow.schema.json");
export const TOOLCHAIN_DIR = join(PACKAGE_ROOT, "toolchain");
export const EXAMPLES_DIR = join(PACKAGE_ROOT, "examples");

/**
 * What pelatod keeps in a project, beside its sources (git-ignored by `pelatod init`): the
 * daemon's state and lock, a running `up`'s ports (up.json), the embedded NATS server's store,
 * and the OCI layout `push` writes without a registry.
 */
export const PROJECT_STATE_DIR = ".pelato";

/** Machine-wide cache for slow builds and tools. Default: $HOME/.cache/pelato. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PELATO_CACHE ?? join(homedir(), ".cache", "pelato");
}
