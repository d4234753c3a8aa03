// Just enough of the WebAssembly binary format to rename imports, add exports and find a
// component's core modules: sections, names and LEB128 integers. Code is never decoded.

export interface Section {
  id: number;
  /** The section's contents, without its id and size. */
  payload: Uint8Array;
}

const MAGIC_AND_VERSION = 8;
const IMPORT = 2;
const EXPORT = 7;

export function readU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (let i = at; ; i++) {
    if (i >= bytes.length) throw new Error("truncated LEB128");
    const b = bytes[i]!;
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value >>> 0, i + 1];
    shift += 7;
    if (shift > 28) throw new Error("LEB128 too long for u32");
  }
}

export function u32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value >>>= 7;
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

const VERSION = { module: [1, 0, 0, 0], component: [0x0d, 0, 1, 0] };

/** The top-level sections of a core module, or of a component (whose core modules are sections with id 1). */
export function sections(module: Uint8Array, kind: keyof typeof VERSION = "module"): Section[] {
  const head = [0, 0x61, 0x73, 0x6d, ...VERSION[kind]];
  if (module.length < MAGIC_AND_VERSION || head.some((b, i) => module[i] !== b)) throw new Error(`not a WebAssembly ${kind === "module" ? "core module" : "component"}`);
  const out: Section[] = [];
  for (let at = MAGIC_AND_VERSION; at < module.length; ) {
    const id = module[at]!;
    const [size, start] = readU32(module, at + 1);
    if (start + size > module.length) throw new Error("truncated section");
    out.push({ id, payload: module.subarray(start, start + size) });
    at = start + size;
  }
  return out;
}

export function assemble(head: Uint8Array, parts: Section[]): Uint8Array {
  const chunks: Uint8Array[] = [head.subarray(0, MAGIC_AND_VERSION)];
  for (const s of parts) chunks.push(Uint8Array.from([s.id, ...u32(s.payload.length)]), s.payload);
  return concat(chunks);
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function readName(bytes: Uint8Array, at: number): [string, number] {
  const [len, start] = readU32(bytes, at);
  return [decoder.decode(bytes.subarray(start, start + len)), start + len];
}

function name(s: string): Uint8Array {
  const b = encoder.encode(s);
  return concat([Uint8Array.from(u32(b.length)), b]);
}

export interface Import {
  module: string;
  name: string;
  kind: number;
  /** The import's description (type index, limits…) as it is encoded after the kind. */
  desc: Uint8Array;
}

/** A section's vector of entries: a count, then each entry as `entry` reads it from an offset. */
export function vector<T>(payload: Uint8Array, what: string, entry: (at: number) => [T, number]): T[] {
  const [count, first] = readU32(payload, 0);
  const out: T[] = [];
  let at = first;
  for (let i = 0; i < count; i++) {
    const [value, next] = entry(at);
    out.push(value);
    at = next;
  }
  if (at !== payload.length) throw new Error(`${what} section longer than its entries`);
  return out;
}

/** The import section's entries (function, table, memory and global imports; others throw). */
export function imports(payload: Uint8Array): Import[] {
  return vector(payload, "import", (at) => {
    const [module, a] = readName(payload, at);
    const [field, b] = readName(payload, a);
    const kind = payload[b]!;
    const end = descEnd(payload, kind, b + 1);
    return [{ module, name: field, kind, desc: payload.subarray(b + 1, end) }, end];
  });
}

function descEnd(p: Uint8Array, kind: number, at: number): number {
  if (kind === 0) return readU32(p, at)[1]; // function: type index
  if (kind === 3) return at + 2; // global: value type, mutability
  const limits = (from: number) => {
    const flags = p[from]!;
    let next = readU32(p, from + 1)[1];
    if (flags & 1) next = readU32(p, next)[1];
    return next;
  };
  if (kind === 1) return limits(at + 1); // table: element type, limits
  if (kind === 2) return limits(at); // memory: limits
  throw new Error(`import kind ${kind} is not supported`);
}

export function importSection(entries: Import[]): Section {
  return { id: IMPORT, payload: concat([Uint8Array.from(u32(entries.length)), ...entries.flatMap((e) => [name(e.module), name(e.name), Uint8Array.of(e.kind), e.desc])]) };
}

export interface Export {
  name: string;
  kind: number;
  index: number;
}

export function exports(payload: Uint8Array): Export[] {
  return vector(payload, "export", (at) => {
    const [field, a] = readName(payload, at);
    const [index, b] = readU32(payload, a + 1);
    return [{ name: field, kind: payload[a]!, index }, b];
  });
}

export function exportSection(entries: Export[]): Section {
  return { id: EXPORT, payload: concat([Uint8Array.from(u32(entries.length)), ...entries.flatMap((e) => [name(e.name), Uint8Array.of(e.kind, ...u32(e.index))])]) };
}

export const SECTION = { CORE_MODULE: 1, IMPORT, MEMORY: 5, EXPORT, DATA: 11 };

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
