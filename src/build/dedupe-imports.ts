import { assemble, exports, exportSection, imports, importSection, SECTION, sections, type Import } from "../wasm-binary.js";

/** The WASI preview1 module the reactor adapter implements. */
export const PREVIEW1 = "wasi_snapshot_preview1";

export interface Deduped {
  core: Uint8Array;
  /** Alias → the adapter export it stands for, one per renamed import. */
  aliases: Map<string, string>;
}

/**
 * Go's runtime and its syscall package both import some WASI functions (fd_write), and a
 * component cannot have an import twice. The repeats are renamed (fd_write → fd_write$1) and
 * the adapter is given the same export under that name: two section rewrites, the code is
 * never touched. Throws NotRenamable when a repeat is not a preview1 function: the caller falls back.
 */
export function renameRepeatedImports(core: Uint8Array): Deduped {
  const parts = sections(core);
  const at = parts.findIndex((s) => s.id === SECTION.IMPORT);
  if (at < 0) return { core, aliases: new Map() };
  const seen = new Map<string, number>();
  const aliases = new Map<string, string>();
  const renamed = imports(parts[at]!.payload).map((imp): Import => {
    const key = `${imp.module}\0${imp.name}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n === 0) return imp;
    if (imp.module !== PREVIEW1 || imp.kind !== 0) throw new NotRenamable();
    const alias = `${imp.name}$${n}`;
    aliases.set(alias, imp.name);
    return { ...imp, name: alias };
  });
  if (aliases.size === 0) return { core, aliases };
  parts[at] = importSection(renamed);
  return { core: assemble(core, parts), aliases };
}

/** The adapter with each alias exported as well, pointing at the same function. */
export function aliasAdapterExports(adapter: Uint8Array, aliases: Map<string, string>): Uint8Array {
  if (aliases.size === 0) return adapter;
  const parts = sections(adapter);
  const at = parts.findIndex((s) => s.id === SECTION.EXPORT);
  const list = exports(parts[at]!.payload);
  for (const [alias, target] of aliases) {
    const original = list.find((e) => e.name === target && e.kind === 0);
    if (!original) throw new NotRenamable();
    list.push({ ...original, name: alias });
  }
  parts[at] = exportSection(list);
  return assemble(adapter, parts);
}

export class NotRenamable extends Error {}
