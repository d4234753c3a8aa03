import { setTimeout as sleep } from "node:timers/promises";
import type { HttpClient, HttpRequest, HttpResponse } from "./http.js";

// Policy as data plus one pure function, as oras-go's retry.GenericPolicy and Policy.Retry:
// backoff and Retry-After are unit-tested with no sockets or timers.

export interface RetryPolicy {
  /** First backoff. Default: 200 ms. */
  minWaitMs: number;
  /** Longest backoff between two attempts. Default: 3000 ms. */
  maxWaitMs: number;
  /** Retries after the first attempt; 0 disables retrying. Default: 5. */
  maxRetries: number;
  /** Longest Retry-After honoured; a server asking for more is given up on. Default: 30 s. */
  maxRetryAfterMs: number;
  /** Longest one request may take with all its retries and waits; no retry starts that would end later. Default: 120 s. */
  deadlineMs: number;
  /** Socket error codes worth another attempt. ECONNREFUSED is left out on purpose: nothing is
   * listening, and failing at once with a clear message beats six seconds of backoff. */
  retryErrorCodes: readonly string[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  minWaitMs: 200,
  maxWaitMs: 3_000,
  maxRetries: 5,
  maxRetryAfterMs: 30_000,
  deadlineMs: 120_000,
  retryErrorCodes: ["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"],
};

/**
 * Milliseconds to wait before retry number `attempt + 1`, or -1 to give up. `attempt` counts
 * retries already made (0 after the first try). Retries 5xx other than 501/505, 429, and the
 * policy's socket errors; honours Retry-After on 429 and 503. Backoff is exponential with equal
 * jitter: half the step fixed, half random (`random` in [0, 1), injectable for tests).
 */
export function nextDelay(p: RetryPolicy, attempt: number, res?: Pick<HttpResponse, "status" | "headers">, err?: unknown, random: () => number = Math.random, now = Date.now()): number {
  if (attempt >= p.maxRetries) return -1;
  if (err !== undefined) return isRetryableError(p, err) ? backoff(p, attempt, random) : -1;
  if (!res) return -1;
  const retryable = res.status === 429 || (res.status >= 500 && res.status !== 501 && res.status !== 505);
  if (!retryable) return -1;
  if (res.status === 429 || res.status === 503) {
    const after = parseRetryAfter(res.headers["retry-after"], now);
    if (after !== undefined) return after > p.maxRetryAfterMs ? -1 : after;
  }
  return backoff(p, attempt, random);
}

function backoff(p: RetryPolicy, attempt: number, random: () => number): number {
  const step = Math.min(p.maxWaitMs, p.minWaitMs * 2 ** attempt);
  return Math.round(step / 2 + (random() * step) / 2);
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^[0-9]+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) || !/[a-z]/i.test(v) ? undefined : Math.max(0, at - now);
}

function isRetryableError(p: RetryPolicy, err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && p.retryErrorCodes.includes(code)) return true;
  }
  return false;
}

export interface RetryClientOptions {
  base: HttpClient;
  /** Default: DEFAULT_RETRY_POLICY. */
  policy?: RetryPolicy;
  /** Default: node:timers/promises setTimeout. */
  sleep?: (ms: number) => Promise<unknown>;
  /** Told about each retry, e.g. for --verbose progress. Default: none. */
  onRetry?: (info: { req: HttpRequest; attempt: number; delayMs: number; status?: number; error?: unknown }) => void;
}

/** Sends again, after nextDelay(), what failed in a retryable way; returns the last response. */
export class RetryClient implements HttpClient {
  readonly #o: Required<Omit<RetryClientOptions, "onRetry">> & Pick<RetryClientOptions, "onRetry">;
  constructor(o: RetryClientOptions) {
    this.#o = { policy: DEFAULT_RETRY_POLICY, sleep, ...o };
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const { base, policy } = this.#o;
    const end = Date.now() + policy.deadlineMs;
    // A retry whose wait alone would pass the deadline is not made: the last answer or error stands.
    const within = (delayMs: number) => (delayMs >= 0 && Date.now() + delayMs < end ? delayMs : -1);
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await base.send(req);
      } catch (error) {
        const delayMs = within(nextDelay(policy, attempt, undefined, error));
        if (delayMs < 0) throw error;
        this.#o.onRetry?.({ req, attempt, delayMs, error });
        await this.#o.sleep(delayMs);
        continue;
      }
      const delayMs = within(nextDelay(policy, attempt, res));
      if (delayMs < 0) return res;
      await res.body.dump();
      this.#o.onRetry?.({ req, attempt, delayMs, status: res.status });
      await this.#o.sleep(delayMs);
    }
  }
}
