import { createHash } from "node:crypto";
import { InvalidReferenceError } from "./errors.js";

// Ref: opencontainers/image-spec descriptor.md "Digests": algorithm ":" encoded.
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Throws InvalidReferenceError unless `d` is a sha256 or sha512 digest this client can verify. */
export function validateDigest(d: string): string {
  if (!DIGEST.test(d)) throw new InvalidReferenceError(d, "not a sha256 or sha512 digest");
  return d;
}

/** Hashes bytes with the algorithm named by `like` (default sha256). */
export function digestOf(bytes: Uint8Array, like = "sha256:"): string {
  const alg = like.slice(0, like.indexOf(":"));
  return `${alg}:${createHash(alg).update(bytes).digest("hex")}`;
}

/** An incremental hasher for streamed blobs, named by the digest it should end up equal to. */
export function digester(expected: string): { update(chunk: Uint8Array): void; digest(): string } {
  const alg = validateDigest(expected).slice(0, expected.indexOf(":"));
  const h = createHash(alg);
  return { update: (c) => void h.update(c), digest: () => `${alg}:${h.digest("hex")}` };
}
