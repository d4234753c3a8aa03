/**
 * Caps the linear memory a core Wasm module defines, by rewriting its memory section's limits,
 * so a task that allocates without end hits memory.grow failure instead of the machine's RAM.
 */
export const WASM_PAGE = 64 * 1024;

export function capMemory(module: Uint8Array, maxBytes: number): Uint8Array {
  const maxPages = Math.floor(maxBytes / WASM_PAGE);
  let pos = 8; // magic + version
  while (pos < module.length) {
    const id = module[pos]!;
    const [size, sizeLen] = readLeb(module, pos + 1);
    const start = pos + 1 + sizeLen;
    if (id === 5) {
      const body = rewriteMemories(module.subarray(start, start + size), maxPages);
      const out = new Uint8Array(module.length - size - sizeLen + body.length + lebLength(body.length));
      out.set(module.subarray(0, pos + 1), 0);
      let o = pos + 1;
      o = writeLeb(out, o, body.length);
      out.set(body, o);
      out.set(module.subarray(start + size), o + body.length);
      return out;
    }
    pos = start + size;
  }
  return module;
}

function rewriteMemories(body: Uint8Array, maxPages: number): Uint8Array {
  const [count, countLen] = readLeb(body, 0);
  const parts: number[] = [];
  let p = countLen;
  pushLeb(parts, count);
  for (let i = 0; i < count; i++) {
    const flags = body[p++]!;
    if (flags & 0x04) throw new Error("64-bit memories are not supported");
    const [min, minLen] = readLeb(body, p);
    p += minLen;
    let max = maxPages;
    if (flags & 0x01) {
      const [declared, maxLen] = readLeb(body, p);
      p += maxLen;
      max = Math.min(declared, maxPages);
    }
    parts.push(flags | 0x01);
    pushLeb(parts, min);
    pushLeb(parts, Math.max(min, max));
  }
  return new Uint8Array(parts);
}

function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let result = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++]!;
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [result, i - at];
  }
}

function pushLeb(out: number[], value: number): void {
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
}

function lebLength(value: number): number {
  const tmp: number[] = [];
  pushLeb(tmp, value);
  return tmp.length;
}

function writeLeb(out: Uint8Array, at: number, value: number): number {
  const tmp: number[] = [];
  pushLeb(tmp, value);
  out.set(tmp, at);
  return at + tmp.length;
}
