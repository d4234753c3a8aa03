import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as shim from "@bytecodealliance/preview2-shim";
import { RuntimeFailure } from "../errors.js";
import { capMemory } from "./memory-limit.js";
import { MANIFEST, transpiled } from "./transpile-cache.js";

/** Host functions for a component's non-WASI imports, keyed by interface without version: `wasmcloud:messaging/consumer`. */
export type HostImports = Record<string, Record<string, unknown>>;

export interface LoadedComponent {
  /** Exports keyed by versioned interface name, e.g. `wasmcloud:messaging/handler@0.2.0`. */
  exports: Record<string, Record<string, (...args: never[]) => unknown>>;
  imports: string[];
}

/**
 * Runs a component in this Node process through jco: transpiled once per component digest
 * (cached on disk), then instantiated with WASI from preview2-shim and `host` for the rest.
 */
export async function loadComponent(bytes: Uint8Array, digest: string, host: HostImports, options: { memoryLimitBytes?: number } = {}): Promise<LoadedComponent> {
  const { dir } = await transpiled(bytes, digest);
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
