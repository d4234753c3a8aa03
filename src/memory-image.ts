// What a core module's linear memory holds when it is instantiated: its size at start and the
// bytes its data segments copy in. Read from the binary alone (no engine), so a test can bound
// what every instantiation costs: wasmCloud instantiates a component for every message.
import { readU32, SECTION, sections, vector } from "./wasm-binary.js";

export interface MemoryImage {
  /** The memory's initial size, in bytes (0 for a module without a memory of its own). */
  initialBytes: number;
  /** Bytes copied in by active data segments. */
  dataBytes: number;
  /** The start of the lowest active data segment at a constant offset (0 when there is none). */
  dataStart: number;
  /** The end of the highest active data segment at a constant offset: static data ends there, zero-initialised data (BSS) begins. */
  dataEnd: number;
}

const PAGE = 65536;
const END = 0x0b;

export function memoryImage(core: Uint8Array): MemoryImage {
  const all = sections(core);
  const memory = all.find((s) => s.id === SECTION.MEMORY);
  const data = all.find((s) => s.id === SECTION.DATA);
  const initialBytes = memory ? (vector(memory.payload, "memory", (at) => limits(memory.payload, at))[0] ?? 0) * PAGE : 0;
  let dataBytes = 0;
  let dataEnd = 0;
  let dataStart = Infinity;
  if (data) {
    for (const seg of vector(data.payload, "data", (at) => segment(data.payload, at))) {
      if (seg.offset === undefined) continue; // passive: copied only when the code asks
      dataBytes += seg.size;
      dataEnd = Math.max(dataEnd, seg.offset + seg.size);
      if (seg.size > 0) dataStart = Math.min(dataStart, seg.offset);
    }
  }
  return { initialBytes, dataBytes, dataStart: dataStart === Infinity ? 0 : dataStart, dataEnd };
}

/** A memory's limits: its minimum, in pages. */
function limits(b: Uint8Array, at: number): [number, number] {
  const flags = b[at]!;
  if (flags & 0x04) throw new Error("memory64 is not read here");
  const [min, next] = readU32(b, at + 1);
  return [min, flags & 0x01 ? readU32(b, next)[1] : next];
}

/** A data segment: its constant offset (undefined when passive or not a constant) and size. */
function segment(b: Uint8Array, at: number): [{ offset: number | undefined; size: number }, number] {
  const [flags, afterFlags] = readU32(b, at);
  let offset: number | undefined;
  let next = afterFlags;
  if (flags !== 1) {
    if (flags === 2) next = readU32(b, next)[1]; // memory index
    [offset, next] = constExpr(b, next);
  }
  const [size, bytes] = readU32(b, next);
  return [{ offset, size }, bytes + size];
}

/** An offset expression: i32.const N end gives N; anything else (global.get) gives undefined. */
function constExpr(b: Uint8Array, at: number): [number | undefined, number] {
  const op = b[at]!;
  let value: number | undefined;
  let next: number;
  if (op === 0x41) [value, next] = readS32(b, at + 1);
  else if (op === 0x23) next = readU32(b, at + 1)[1];
  else throw new Error(`data segment offset: opcode 0x${op.toString(16)} is not read here`);
  if (b[next] !== END) throw new Error("data segment offset: expected end");
  return [value === undefined ? undefined : value >>> 0, next + 1];
}

function readS32(b: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = at; ; i++) {
    const byte = b[i]!;
    value |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [shift < 32 && byte & 0x40 ? value | (-1 << shift) : value, i + 1];
  }
}

/** The core modules inside a component, in order (the first is the task's code). */
export function coreModules(component: Uint8Array): Uint8Array[] {
  return sections(component, "component").filter((s) => s.id === SECTION.CORE_MODULE).map((s) => s.payload);
}
