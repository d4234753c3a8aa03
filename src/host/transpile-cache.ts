import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { pruneWhenGrown, sizeOf, touch, type CacheEntry } from "../cache-prune.js";
import { cacheDir } from "../paths.js";
import { componentShape } from "../component-shape.js";

/** What a transpiled component imports (jco's import specifiers), beside its JS. */
export const MANIFEST = "imports.json";
const MAIN_CORE = "component.core.wasm";

/** How many jco transpiles this process ran; tests read it to tell a reuse from a transpile. */
export const transpileStats = { runs: 0 };

const jcoDir = () => join(cacheDir(), "jco");
/** Shape key → the digest of a component of that shape transpiled before. */
const shapesDir = () => join(jcoDir(), "shapes");

/**
 * Transpiles a component ahead of its start (into the cache loadComponent reads). A new entry
 * makes the least recently used ones go once the cache is over its limit.
 */
export async function prepareComponent(bytes: Uint8Array, digest: string): Promise<void> {
  const { made } = await transpiled(bytes, digest);
  if (made) pruneWhenGrown(jcoDir(), bytes.length, transpiledEntries); // a transpiled component is about the size of the component
}

/**
 * The folder of a component's transpiled JS and core modules, made once per digest. A new
 * version of a task usually differs from the last only in its first core module (its code):
 * then the earlier output is copied with that module replaced, which is what jco would write
 * (see component-shape.ts), in a few ms instead of a transpile's 150-450.
 */
export async function transpiled(bytes: Uint8Array, digest: string): Promise<{ dir: string; made: boolean }> {
  const dir = join(jcoDir(), digest.replace(/^sha256:/, ""));
  if (existsSync(join(dir, MANIFEST))) {
    touch(join(dir, MANIFEST)); // the manifest's mtime is the entry's last use
    return { dir, made: false };
  }
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const shape = shapeOf(bytes);
  if (!(shape && reuse(shape, staging))) await transpileInto(bytes, staging);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process won the race: use its copy
  }
  if (shape) remember(shape.key, dir);
  return { dir, made: true };
}

function shapeOf(bytes: Uint8Array): ReturnType<typeof componentShape> {
  try {
    return componentShape(bytes);
  } catch {
    return undefined; // not a layout we know: transpile it
  }
}

/** Copies an earlier output of the same shape with the new first core module; false when there is none. */
function reuse(shape: { key: string; main: Uint8Array }, staging: string): boolean {
  try {
    const base = join(jcoDir(), readFileSync(join(shapesDir(), shape.key), "utf8").trim());
    if (!existsSync(join(base, MANIFEST))) return false;
    touch(join(base, MANIFEST)); // used now: a prune starting meanwhile leaves it be
    cpSync(base, staging, { recursive: true, filter: (src) => basename(src) !== MAIN_CORE });
    if (!existsSync(join(staging, MANIFEST)) || !existsSync(join(staging, "component.js"))) throw new Error("the earlier output went while it was copied");
    writeFileSync(join(staging, MAIN_CORE), shape.main);
    return true;
  } catch {
    rmSync(staging, { recursive: true, force: true }); // no record, or the base went meanwhile
    return false;
  }
}

function remember(key: string, dir: string): void {
  mkdirSync(shapesDir(), { recursive: true });
  const tmp = join(shapesDir(), `.${key}.tmp-${process.pid}`);
  writeFileSync(tmp, basename(dir));
  renameSync(tmp, join(shapesDir(), key));
}

async function transpileInto(bytes: Uint8Array, staging: string): Promise<void> {
  const { transpile } = await import("@bytecodealliance/jco"); // large: loaded only when there is something to transpile
  transpileStats.runs++;
  const { files, imports } = await transpile(bytes, { name: "component", instantiation: "async", noTypescript: true, base64Cutoff: 0 } as Parameters<typeof transpile>[1]);
  for (const [name, content] of Object.entries(files as Record<string, Uint8Array>)) {
    mkdirSync(dirname(join(staging, name)), { recursive: true });
    writeFileSync(join(staging, name), content);
  }
  writeFileSync(join(staging, MANIFEST), JSON.stringify(imports));
}

/** Each transpiled component's folder, last used when a host last loaded it. */
function transpiledEntries(): CacheEntry[] {
  let names: string[];
  try {
    names = readdirSync(jcoDir());
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (!/^[0-9a-f]{64}$/.test(name)) return [];
    const dir = join(jcoDir(), name);
    try {
      return [{ name, paths: [dir], bytes: sizeOf(dir), lastUsed: statSync(join(dir, MANIFEST)).mtimeMs }];
    } catch {
      return [{ name, paths: [dir], bytes: 0, lastUsed: 0 }]; // no manifest: a torn entry, first to go
    }
  });
}
