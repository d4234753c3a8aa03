import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { componentEmbed, componentNew, preview1AdapterReactorPath } from "@bytecodealliance/jco";
import { TEMPLATES_DIR } from "../paths.js";
import { aliasAdapterExports, PREVIEW1, renameRepeatedImports, type Deduped } from "./dedupe-imports.js";
import { join } from "node:path";

export const WIT_DIR = join(TEMPLATES_DIR, "wit");
/** Our worlds: package pelato:task@0.1.0 in templates/wit/world.wit. */
const WIT_PACKAGE = "pelato:task";
const WIT_VERSION = "0.1.0";

const JCO_PACKAGE = new URL("../package.json", preview1AdapterReactorPath());
export const JCO_VERSION: string = (JSON.parse(readFileSync(JCO_PACKAGE, "utf8")) as { version: string }).version;

/** Part of a component's cache key: components made another way are not reused. */
export const COMPONENTIZE_METHOD = "repeated-imports-renamed";

let reactorAdapter: Uint8Array | undefined;
function adapter(): Uint8Array {
  reactorAdapter ??= readFileSync(fileURLToPath(preview1AdapterReactorPath()));
  return reactorAdapter;
}

/**
 * Core module → component: Go repeats WASI imports (a component cannot), so the repeats are
 * renamed and the adapter exports their functions under the new names too (dedupe-imports.ts);
 * then the WIT world is embedded and the module wrapped with the WASI preview1 reactor adapter
 * (a library, not a command with main). binaryen's duplicate-import-elimination, which rewrites
 * the whole module (0.6-0.8 s for a Go task), is the fallback for repeats that renaming cannot fix.
 */
export async function componentize(core: Uint8Array, world: string): Promise<Uint8Array> {
  const wit = { witPath: WIT_DIR, world: `${WIT_PACKAGE}/${world}@${WIT_VERSION}` };
  let renamed: Deduped | undefined;
  try {
    renamed = renameRepeatedImports(core);
  } catch {
    // NotRenamable, or a module layout the section reader does not know: binaryen below
  }
  if (renamed) {
    try {
      const embedded = await componentEmbed({ binary: renamed.core, ...wit } as Parameters<typeof componentEmbed>[0]);
      return await componentNew(embedded, [[PREVIEW1, aliasAdapterExports(adapter(), renamed.aliases)]]);
    } catch (err) {
      if (renamed.aliases.size === 0) throw err; // nothing was renamed: the failure is not ours to work around
    }
  }
  const embedded = await componentEmbed({ binary: await dedupeImports(core), ...wit } as Parameters<typeof componentEmbed>[0]);
  return componentNew(embedded, [[PREVIEW1, adapter()]]);
}

async function dedupeImports(core: Uint8Array): Promise<Uint8Array> {
  const binaryen = (await import("binaryen")).default;
  const mod = binaryen.readBinary(core);
  try {
    mod.runPasses(["duplicate-import-elimination"]);
    return mod.emitBinary();
  } finally {
    mod.dispose();
  }
}
