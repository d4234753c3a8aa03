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

/**
 * Sampling for refusal logs: take() answers how many refusals of a kind the next line should
 * count (this one and those kept quiet since the last line), or 0 to stay quiet.
 */
export class SampledLog {
  #last = new Map<string, { at: number; quiet: number }>();
  constructor(readonly everyMs: number) {}

  take(kind: string, now = Date.now()): number {
    const last = this.#last.get(kind);
    if (last && now - last.at < this.everyMs) {
      last.quiet++;
      return 0;
    }
    this.#last.set(kind, { at: now, quiet: 0 });
    if (this.#last.size > 1000) for (const [k, v] of this.#last) if (now - v.at >= this.everyMs) this.#last.delete(k);
    return 1 + (last?.quiet ?? 0);
  }
}
