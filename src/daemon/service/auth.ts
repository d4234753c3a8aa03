import { createHash } from "node:crypto";
import { fromPublic } from "@nats-io/nkeys";

// Scheme: the body is JSON {id, ts, args}; the client signs "pelato-request-v1\n<subject>\n<body>"
// with its user nkey (ed25519) and sends its public key and the signature (base64url) in
// headers. The subject is signed so a signed `status` cannot be replayed as `remove`; `ts` is
// signed so a captured request dies after the window; `id` makes a retry idempotent.

export const KEY_HEADER = "Pelato-Key";
export const SIGNATURE_HEADER = "Pelato-Signature";
const CONTEXT = "pelato-request-v1";
const ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The bytes a client signs and the daemon verifies. */
export function signedBytes(subject: string, body: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(`${CONTEXT}\n${subject}\n`), body]);
}

export interface AuthPolicy {
  /** Public user nkeys (U…) allowed to call the service. */
  allowed: ReadonlySet<string>;
  /** Largest difference between the request's ts and the daemon's clock. */
  windowMs: number;
}

export interface SignedRequest {
  subject: string;
  data: Uint8Array;
  key?: string;
  signature?: string;
}

export type Verdict =
  | { ok: true; key: string; id: string; ts: number; args: Record<string, unknown>; digest: string }
  | { ok: false; code: 400 | 401 | 403 | 409; reason: string };

/**
 * Checks key, allow-list, signature and timestamp of one request at `now` (ms). A key that is not
 * on the allow-list is refused before any signature is checked: strangers cost a set lookup.
 */
export function verifyRequest(r: SignedRequest, p: AuthPolicy, now: number): Verdict {
  if (!r.key || !r.signature) return { ok: false, code: 401, reason: `unsigned request: the ${KEY_HEADER} and ${SIGNATURE_HEADER} headers are required` };
  if (!r.key.startsWith("U")) return { ok: false, code: 401, reason: `${KEY_HEADER} must be a public user nkey (U…)` };
  let key: ReturnType<typeof fromPublic>;
  try {
    key = fromPublic(r.key);
  } catch {
    return { ok: false, code: 401, reason: `${KEY_HEADER} is not a valid public nkey` };
  }
  if (!p.allowed.has(r.key)) return { ok: false, code: 403, reason: `key ${r.key} is not on this daemon's allow-list (PELATO_SERVE_KEYS)` };
  let valid = false;
  try {
    valid = key.verify(signedBytes(r.subject, r.data), Buffer.from(r.signature, "base64url"));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, code: 401, reason: `bad signature: it does not match the body and subject for key ${r.key}` };
  let body: { id?: unknown; ts?: unknown; args?: unknown };
  try {
    body = JSON.parse(Buffer.from(r.data).toString("utf8")) as typeof body;
  } catch {
    return { ok: false, code: 400, reason: "the body is not JSON {id, ts, args}" };
  }
  if (typeof body.id !== "string" || !ID.test(body.id)) return { ok: false, code: 400, reason: "id must be 8-64 characters of [A-Za-z0-9_-]" };
  if (typeof body.ts !== "number" || !Number.isFinite(body.ts)) return { ok: false, code: 400, reason: "ts must be the request time in milliseconds since the epoch" };
  const skew = now - body.ts;
  if (Math.abs(skew) > p.windowMs) {
    const age = skew > 0 ? `${Math.round(skew / 1000)} s old` : `${Math.round(-skew / 1000)} s in the future`;
    return { ok: false, code: 409, reason: `replay refused: the request is ${age}, outside the ${p.windowMs / 1000} s window` };
  }
  const args = typeof body.args === "object" && body.args !== null ? (body.args as Record<string, unknown>) : {};
  return { ok: true, key: r.key, id: body.id, ts: body.ts, args, digest: createHash("sha256").update(r.subject).update("\0").update(r.data).digest("hex") };
}

/**
 * Request ids seen within the window. The same id with the same signed content is a retry: it
 * gets the first answer. The same id with other content is refused. An id is forgotten once its
 * timestamp is out of the window, when the request would be refused as stale anyway.
 */
export class ReplayGuard<T> {
  #seen = new Map<string, { digest: string; expires: number; answer: Promise<T> }>();
  constructor(readonly windowMs: number) {}

  /** A retry's first answer, a conflict, or "new" (then `record` it). */
  lookup(key: string, v: { id: string; digest: string }, now: number): { kind: "new" } | { kind: "duplicate"; answer: Promise<T> } | { kind: "conflict" } {
    for (const [k, e] of this.#seen) if (e.expires < now) this.#seen.delete(k);
    const seen = this.#seen.get(`${key}/${v.id}`);
    if (!seen) return { kind: "new" };
    return seen.digest === v.digest ? { kind: "duplicate", answer: seen.answer } : { kind: "conflict" };
  }

  record(key: string, v: { id: string; ts: number; digest: string }, answer: Promise<T>): void {
    this.#seen.set(`${key}/${v.id}`, { digest: v.digest, expires: v.ts + this.windowMs, answer });
  }
}
