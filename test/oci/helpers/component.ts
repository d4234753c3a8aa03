import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "../../../src/build/index.js";
import type { PushItem } from "../../../src/oci/index.js";
import { bytesFrom } from "./artifact.js";

// The smallest valid component (preamble "\0asm", version 0x0d, layer 1) with one custom section
// of seeded bytes: jco reads its (empty) world, and its size and content are the test's choice.
const PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

export function paddedComponent(seed: string, payloadSize: number): Uint8Array {
  const name = Buffer.from("pelato-test");
  const body = Buffer.concat([leb128(name.length), name, bytesFrom(seed, payloadSize)]);
  return Buffer.concat([Buffer.from(PREAMBLE), Buffer.from([0x00]), leb128(body.length), body]);
}

function leb128(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

/** Writes padded components as a build would, and returns the push items for them. */
export function componentItems(dir: string, specs: { component: string; tag?: string; size?: number; seed?: string }[]): (PushItem & { bytes: Uint8Array })[] {
  mkdirSync(dir, { recursive: true });
  return specs.map((s) => {
    const bytes = paddedComponent(s.seed ?? s.component, s.size ?? 2048);
    const wasm = join(dir, `${s.component}.wasm`);
    writeFileSync(wasm, bytes);
    return { component: s.component, wasm, digest: sha256(bytes), tag: s.tag ?? "1.0.0", bytes };
  });
}
