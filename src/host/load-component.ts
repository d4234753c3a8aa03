import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import * as shim from "@bytecodealliance/preview2-shim";
import { pruneWhenGrown, sizeOf, touch, type CacheEntry } from "../cache-prune.js";
import { RuntimeFailure } from "../errors.js";
import { cacheDir } from "../paths.js";
import { capMemory } from "./memory-limit.js";

/** Host functions for a component's non-WASI imports, keyed by interface without version: `wasmcloud:messaging/consumer`. */
export type HostImports = Record<string, Record<string, unknown>>;

export interface LoadedComponent {
  /** Exports keyed by versioned interface name, e.g. `wasmcloud:messaging/handler@0.2.0`. */
  exports: Record<string, Record<string, (...args: never[]) => unknown>>;
  imports: string[];
}

const MANIFEST = "imports.json";

/**
 * Runs a component in this Node process through jco: transpiled once per component digest
 * (cached on disk), then instantiated with WASI from preview2-shim and `host` for the rest.
 */
export async function loadComponent(bytes: Uint8Array, digest: string, host: HostImports, options: { memoryLimitBytes?: number } = {}): Promise<LoadedComponent> {
  const dir = await transpiled(bytes, digest);
  const imports = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as string[];
  const mod = (await import(pathToFileURL(join(dir, "component.js")).href)) as {
    instantiate: (getCore: (path: string) => Promise<WebAssembly.Module>, imports: object) => Promise<LoadedComponent["exports"]>;
  };
  const importObject: Record<string, unknown> = {};
  for (const spec of imports) importObject[spec] = implementation(spec, host);
  const core = (path: string) => {
    const raw = new Uint8Array(readFileSync(join(dir, path)));
    return WebAssembly.compile((options.memoryLimitBytes ? capMemory(raw, options.memoryLimitBytes) : raw) as Uint8Array<ArrayBuffer>);
  };
  const exports = await mod.instantiate(core, importObject);
  return { exports, imports };
}

/**
 * Transpiles a component ahead of its start (into the cache loadComponent reads). A new entry
 * makes the least recently used ones go once the cache is over its limit.
 */
export async function prepareComponent(bytes: Uint8Array, digest: string): Promise<void> {
  const known = existsSync(join(jcoDir(), digest.replace(/^sha256:/, ""), MANIFEST));
  await transpiled(bytes, digest);
  if (!known) pruneWhenGrown(jcoDir(), bytes.length, transpiledEntries); // a transpiled component is about the size of the component
}

const jcoDir = () => join(cacheDir(), "jco");

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

async function transpiled(bytes: Uint8Array, digest: string): Promise<string> {
  const dir = join(jcoDir(), digest.replace(/^sha256:/, ""));
  if (existsSync(join(dir, MANIFEST))) {
    touch(join(dir, MANIFEST)); // the manifest's mtime is the entry's last use
    return dir;
  }
  const { transpile } = await import("@bytecodealliance/jco"); // large: loaded only when there is something to transpile
  const { files, imports } = await transpile(bytes, { name: "component", instantiation: "async", noTypescript: true, base64Cutoff: 0 } as Parameters<typeof transpile>[1]);
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  for (const [name, content] of Object.entries(files as Record<string, Uint8Array>)) {
    mkdirSync(dirname(join(staging, name)), { recursive: true });
    writeFileSync(join(staging, name), content);
  }
  writeFileSync(join(staging, MANIFEST), JSON.stringify(imports));
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process won the race: use its copy
  }
  return dir;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function implementation(spec: string, host: HostImports): unknown {
  const iface = spec.split("@")[0]!;
  if (host[iface]) return host[iface];
  const wasi = /^wasi:([a-z]+)\/([a-z-]+)$/.exec(iface);
  const fromShim = wasi ? (shim as Record<string, Record<string, unknown> | undefined>)[wasi[1]!]?.[camel(wasi[2]!)] : undefined;
  if (fromShim) return fromShim;
  if (iface.endsWith("/types")) return {}; // an interface of types only
  throw new RuntimeFailure(`the component imports ${spec}, which this host does not provide`);
}
