import type { RatePolicy } from "../../config/index.js";

export type { RatePolicy };

export interface Bucket {
  tokens: number;
  /** When `tokens` was last computed, in ms. */
  at: number;
}

/** Takes one token at `now` (ms). Pure: returns the new bucket and, when refused, how long to wait. */
export function takeToken(bucket: Bucket | undefined, p: RatePolicy, now: number): { bucket: Bucket; ok: boolean; retryInMs: number } {
  const refilled = bucket ? Math.min(p.burst, bucket.tokens + ((now - bucket.at) / 1000) * p.perSecond) : p.burst;
  if (refilled >= 1) return { bucket: { tokens: refilled - 1, at: now }, ok: true, retryInMs: 0 };
  return { bucket: { tokens: refilled, at: now }, ok: false, retryInMs: Math.ceil(((1 - refilled) / p.perSecond) * 1000) };
}

/** One bucket per key; buckets that have refilled completely are forgotten. */
export class RateLimiter {
  #buckets = new Map<string, Bucket>();
  constructor(readonly policy: RatePolicy) {}

  take(key: string, now = Date.now()): { ok: boolean; retryInMs: number } {
    const r = takeToken(this.#buckets.get(key), this.policy, now);
    this.#buckets.set(key, r.bucket);
    if (this.#buckets.size > 1000) for (const [k, b] of this.#buckets) if (b.tokens + ((now - b.at) / 1000) * this.policy.perSecond >= this.policy.burst) this.#buckets.delete(k);
    return { ok: r.ok, retryInMs: r.retryInMs };
  }
}
