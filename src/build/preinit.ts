// Mainline Go components start Go's runtime (heap, scheduler, package init) in `_initialize`, and
// wasmCloud instantiates a component for every message: that start was most of each message's
// cost. Wizer runs `_initialize` once, at build time, and writes the memory it leaves behind into
// the module as data, so an instance starts already initialised.
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { execa } from "execa";
import { RuntimeFailure } from "../errors.js";
import { memoryImage, type MemoryImage } from "../memory-image.js";

/** wizer's prebuilt binary for this platform (npm has linux-x64 here; see package.json's optionalDependencies). */
const WIZER_PACKAGE = `@bytecodealliance/wizer-${process.platform}-${process.arch}`;
/** Part of a component's cache key; undefined where wizer's prebuilt binary does not exist (it is an optional dependency). */
export const WIZER_VERSION: string | undefined = (() => {
  try {
    return (createRequire(import.meta.url)(`${WIZER_PACKAGE}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
})();
export const WIZER_ARGS = ["--allow-wasi", "--init-func", "_initialize"];

/**
 * wasmtime maps a module's initial memory copy-on-write from one image (nearly free at every
 * instantiation) only when its data is dense: spread over less than twice its size, or over less
 * than `memory_guaranteed_dense_image_size` (16 MiB, wasmtime's default, which wasmCloud's runtime
 * keeps). Otherwise every instantiation copies each data segment in, which for a pre-initialised
 * Go heap costs more than running `_initialize` (0.87 against 0.48 ms, bench/instantiate).
 */
export const DENSE_IMAGE_BYTES = 16 << 20;

export function mappedAtInstantiation(image: MemoryImage): boolean {
  const span = image.dataEnd - image.dataStart;
  return image.dataBytes === 0 || span < 2 * image.dataBytes || span < DENSE_IMAGE_BYTES;
}

/**
 * Go's runtime seeds its random state in `_initialize`: pre-initialised, every instance would draw
 * the same numbers from math/rand and math/rand/v2. A task that links either starts fresh.
 */
const SEEDED_PACKAGES = ["math/rand", "math/rand/v2"];

/** Why a task linking these packages (`go list -deps`) must not be pre-initialised, or undefined. */
export function seedReason(deps: readonly string[]): string | undefined {
  const seeded = SEEDED_PACKAGES.filter((p) => deps.includes(p));
  return seeded.length ? `it links ${seeded.join(" and ")}, whose numbers must differ in every instance` : undefined;
}

export type Preinit = { core: Uint8Array; preinitialized: true } | { core: Uint8Array; preinitialized: false; reason: string };

/** Pre-initialises a Go core module; keeps the module as it was when the result would start slower. */
export async function preinitialize(corePath: string, outPath: string, signal: AbortSignal, original: Uint8Array): Promise<Preinit> {
  const wizer = await wizerPath();
  if (!wizer) return { core: original, preinitialized: false, reason: `wizer has no prebuilt binary here (${WIZER_PACKAGE} is not installed)` };
  const result = await execa(wizer, [...WIZER_ARGS, "-o", outPath, corePath], { cancelSignal: signal, reject: false, all: true, env: { PATH: process.env.PATH ?? "" }, extendEnv: false });
  if (result.isCanceled) throw new RuntimeFailure("pre-initialisation was cancelled");
  if (result.exitCode !== 0) {
    return { core: original, preinitialized: false, reason: `wizer could not run _initialize: ${lastLine(String(result.all ?? ""))}` };
  }
  const core = new Uint8Array(await readFile(outPath));
  const image = memoryImage(core);
  if (!mappedAtInstantiation(image)) {
    const mib = ((image.dataEnd - image.dataStart) / 2 ** 20).toFixed(1);
    return { core: original, preinitialized: false, reason: `its initialised memory spans ${mib} MiB with ${(image.dataBytes / 2 ** 20).toFixed(1)} MiB of data: too sparse for wasmtime to map it` };
  }
  return { core, preinitialized: true };
}

let wizer: Promise<string | undefined> | undefined;
/** The prebuilt wizer for this platform, or undefined where npm has none (the module then starts as it was built). */
export function wizerPath(): Promise<string | undefined> {
  wizer ??= import(WIZER_PACKAGE).then(
    (m: { default: string }) => m.default,
    () => undefined,
  );
  return wizer;
}

function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).at(-1) ?? "no output";
}
