import { createHash } from "node:crypto";
import { wasmArtifact, type WasmArtifact } from "../../../src/oci/index.js";

export const CREATED = new Date("2025-03-04T05:06:07Z");

/** Deterministic pseudo-random bytes: the same seed always gives the same content. */
export function bytesFrom(seed: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let block = createHash("sha256").update(seed).digest();
  for (let i = 0; i < size; i += block.length) {
    out.set(block.subarray(0, Math.min(block.length, size - i)), i);
    block = createHash("sha256").update(block).digest();
  }
  return out;
}

/** A Wasm artifact around arbitrary bytes: the registry and the client do not parse the layer. */
export function testArtifact(seed: string, size = 4096): WasmArtifact {
  return wasmArtifact({
    component: bytesFrom(seed, size),
    interfaces: { imports: ["wasi:logging/logging@0.1.0-draft"], exports: ["wasmcloud:messaging/handler@0.2.0"] },
    created: CREATED,
    title: seed,
    version: "1.0.0",
    revision: "0123456789abcdef0123456789abcdef01234567",
  });
}
