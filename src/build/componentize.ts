import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { componentEmbed, componentNew, preview1AdapterReactorPath } from "@bytecodealliance/jco";
import { TEMPLATES_DIR } from "../paths.js";
import { join } from "node:path";

export const WIT_DIR = join(TEMPLATES_DIR, "wit");
/** Our worlds: package pelato:task@0.1.0 in templates/wit/world.wit. */
const WIT_PACKAGE = "pelato:task";
const WIT_VERSION = "0.1.0";

const JCO_PACKAGE = new URL("../package.json", preview1AdapterReactorPath());
export const JCO_VERSION: string = (JSON.parse(readFileSync(JCO_PACKAGE, "utf8")) as { version: string }).version;

let reactorAdapter: Uint8Array | undefined;
function adapter(): Uint8Array {
  reactorAdapter ??= readFileSync(fileURLToPath(preview1AdapterReactorPath()));
  return reactorAdapter;
}

/**
 * Core module → component: Go repeats WASI imports (jco rejects duplicates), so binaryen's
 * duplicate-import-elimination runs first; then the WIT world is embedded and the module
 * wrapped with the WASI preview1 reactor adapter (a library, not a command with main).
 */
export async function componentize(core: Uint8Array, world: string): Promise<Uint8Array> {
  const deduped = await dedupeImports(core);
  const embedded = await componentEmbed({ binary: deduped, witPath: WIT_DIR, world: `${WIT_PACKAGE}/${world}@${WIT_VERSION}` } as Parameters<typeof componentEmbed>[0]);
  return componentNew(embedded, [["wasi_snapshot_preview1", adapter()]]);
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
