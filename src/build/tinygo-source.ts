import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { RuntimeFailure } from "../errors.js";
import { TEMPLATES_DIR } from "../paths.js";
import { MANIFEST_FILE } from "../render/index.js";
import { WIT_DIR } from "./componentize.js";
import { BUILD_DIR } from "./build-project.js";

/** templates/tinygo/wit: the TinyGo worlds (each pelato world + wasi:cli/imports). */
export const TINYGO_WIT_DIR = join(TEMPLATES_DIR, "tinygo", "wit");

/**
 * The differences between the glue as the go toolchain compiles it and as TinyGo does.
 * - TinyGo's wasip2 runtime exports `cabi_realloc` itself (src/runtime/runtime_wasip2.go), so the
 *   glue's own export of that name would be a duplicate export (wasm-opt: "duplicate export
 *   name"); and there is no preview1 adapter to serve through `cabi_realloc_adapter`. The
 *   functions stay (the arena still gives import return areas); only their exports go.
 * - So every value the host hands over comes from TinyGo's heap, and the arena holds only return
 *   areas (16 to 64 bytes each): 4 KiB is plenty. The size matters: TinyGo zeroes its BSS at every
 *   instantiation (wasmCloud instantiates per message), and a 16 MiB arena cost ~30 ms each.
 * Everything else in templates/go/glue compiles unchanged under TinyGo 0.39 and 0.40
 * (//go:wasmimport and //go:wasmexport included), which is why the glue is shared rather than
 * re-generated.
 */
export const GLUE_ADAPTATIONS: readonly { file: string; from: string; to: string }[] = [
  { file: "glue/cabi/cabi.go", from: "\n//go:wasmexport cabi_realloc\n", to: "\n// (tinygo: cabi_realloc is exported by TinyGo's runtime)\n" },
  { file: "glue/cabi/cabi.go", from: "\n//go:wasmexport cabi_realloc_adapter\n", to: "\n// (tinygo: no preview1 adapter, no cabi_realloc_adapter export)\n" },
  { file: "glue/cabi/arena_size.go", from: "\nconst ArenaSize = 8<<20 + 64<<10\n", to: "\nconst ArenaSize = 4 << 10 // tinygo: return areas only (src/build/tinygo-source.ts)\n" },
  { file: "glue/cabi/arena_size.go", from: "\nconst AdapterArenaSize = 128 << 10\n", to: "\nconst AdapterArenaSize = 64 // tinygo: no preview1 adapter\n" },
];

/** The world TinyGo embeds for a template's world. */
export function tinygoWorld(world: string): string {
  return `tinygo-${world}`;
}

/**
 * Copies the rendered project (gen/<component>, without its build output and manifest) to
 * `dest` and applies GLUE_ADAPTATIONS; throws if the glue no longer has what they change.
 */
export function prepareTinygoSource(projectDir: string, dest: string): void {
  const skip = new Set([BUILD_DIR, MANIFEST_FILE]);
  cpSync(projectDir, dest, { recursive: true, filter: (src) => !skip.has(relative(projectDir, src)) });
  for (const { file, from, to } of GLUE_ADAPTATIONS) {
    const path = join(dest, file);
    const text = readFileSync(path, "utf8");
    if (text.split(from).length !== 2) {
      throw new RuntimeFailure(`the tinygo toolchain expects exactly one ${JSON.stringify(from.trim())} in ${file}; the glue changed: update GLUE_ADAPTATIONS in src/build/tinygo-source.ts`);
    }
    writeFileSync(path, text.replace(from, to));
  }
}

/** templates/wit plus the TinyGo worlds, as one WIT package folder at `dest`. */
export function writeTinygoWit(dest: string): void {
  cpSync(WIT_DIR, dest, { recursive: true });
  for (const f of readdirSync(TINYGO_WIT_DIR)) cpSync(join(TINYGO_WIT_DIR, f), join(dest, f));
}

/** Hash of what this file adds to a build (adaptations, TinyGo worlds): part of the fingerprint. */
export function tinygoSourceDigest(): string {
  const h = createHash("sha256").update(JSON.stringify(GLUE_ADAPTATIONS));
  for (const f of readdirSync(TINYGO_WIT_DIR).sort()) h.update(f).update(readFileSync(join(TINYGO_WIT_DIR, f)));
  return h.digest("hex").slice(0, 16);
}
