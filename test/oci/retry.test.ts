import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RETRY_POLICY, memoryResponse, nextDelay, parseRetryAfter, RetryClient, type HttpRequest, type HttpResponse, type RetryPolicy } from "../../src/oci/index.js";

const P: RetryPolicy = { ...DEFAULT_RETRY_POLICY, minWaitMs: 100, maxWaitMs: 1_000, maxRetries: 3, maxRetryAfterMs: 10_000 };
const NOW = Date.parse("2025-01-01T00:00:00Z");
const res = (status: number, headers: Record<string, string> = {}) => ({ status, headers });
const errWith = (code: string) => Object.assign(new Error("socket"), { code });

test("nextDelay: table of statuses, attempts, Retry-After and errors", () => {
  const lo = () => 0; // jitter at its floor: half the step
  const hi = () => 0.999999; // and at its ceiling: the whole step
  const cases: { name: string; attempt: number; res?: ReturnType<typeof res>; err?: unknown; random?: () => number; want: number }[] = [
    { name: "500 first retry, low jitter", attempt: 0, res: res(500), random: lo, want: 50 },
    { name: "500 first retry, high jitter", attempt: 0, res: res(500), random: hi, want: 100 },
    { name: "502 doubles", attempt: 1, res: res(502), random: hi, want: 200 },
    { name: "503 without Retry-After backs off", attempt: 2, res: res(503), random: hi, want: 400 },
    { name: "504 backs off", attempt: 2, res: res(504), random: lo, want: 200 },
    { name: "retries exhausted", attempt: 3, res: res(500), want: -1 },
    { name: "501 not retried", attempt: 0, res: res(501), want: -1 },
    { name: "505 not retried", attempt: 0, res: res(505), want: -1 },
    { name: "200 not retried", attempt: 0, res: res(200), want: -1 },
    { name: "404 not retried", attempt: 0, res: res(404), want: -1 },
    { name: "401 not retried", attempt: 0, res: res(401), want: -1 },
    { name: "429 with Retry-After seconds", attempt: 0, res: res(429, { "retry-after": "3" }), want: 3_000 },
    { name: "429 with Retry-After date", attempt: 1, res: res(429, { "retry-after": "Wed, 01 Jan 2025 00:00:07 GMT" }), want: 7_000 },
    { name: "429 with a past date", attempt: 0, res: res(429, { "retry-after": "Tue, 31 Dec 2024 23:00:00 GMT" }), want: 0 },
    { name: "429 asking too long gives up", attempt: 0, res: res(429, { "retry-after": "60" }), want: -1 },
    { name: "429 without Retry-After backs off", attempt: 0, res: res(429), random: hi, want: 100 },
    { name: "429 with garbage Retry-After backs off", attempt: 0, res: res(429, { "retry-after": "soon" }), random: lo, want: 50 },
    { name: "503 honours Retry-After", attempt: 0, res: res(503, { "retry-after": "2" }), want: 2_000 },
    { name: "429 retries exhausted even with Retry-After", attempt: 3, res: res(429, { "retry-after": "1" }), want: -1 },
    { name: "ECONNRESET retried", attempt: 0, err: errWith("ECONNRESET"), random: hi, want: 100 },
    { name: "nested UND_ERR_SOCKET retried", attempt: 1, err: new Error("fetch failed", { cause: errWith("UND_ERR_SOCKET") }), random: lo, want: 100 },
    { name: "ECONNREFUSED fails fast", attempt: 0, err: errWith("ECONNREFUSED"), want: -1 },
    { name: "plain Error not retried", attempt: 0, err: new Error("bug"), want: -1 },
  ];
  for (const c of cases) assert.equal(nextDelay(P, c.attempt, c.res, c.err, c.random ?? lo, NOW), c.want, c.name);
  assert.equal(nextDelay({ ...P, maxRetries: 0 }, 0, res(500)), -1, "maxRetries 0 disables retrying");
  assert.equal(nextDelay({ ...P, maxRetries: 10 }, 8, res(500), undefined, () => 0.999999), 1_000, "capped at maxWaitMs");
});

test("parseRetryAfter: table", () => {
  const cases: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ["0", 0],
    [" 12 ", 12_000],
    ["Wed, 01 Jan 2025 00:01:00 GMT", 60_000],
    ["-1", undefined],
    ["1.5", undefined],
    ["", undefined],
  ];
  for (const [v, want] of cases) assert.equal(parseRetryAfter(v, NOW), want, String(v));
});

/** A base client answering from a script, recording what it was sent. */
function scripted(script: (HttpResponse | Error)[]) {
  const sent: HttpRequest[] = [];
  return {
    sent,
    send: async (req: HttpRequest) => {
      sent.push(req);
      const next = script.shift();
      if (!next) throw new Error("script exhausted");
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

test("RetryClient: 500, reset, 429 then 200: every retry resends the same body, waits as told", async () => {
  const base = scripted([memoryResponse(500), errWith("ECONNRESET"), memoryResponse(429, { "retry-after": "1" }), memoryResponse(201)]);
  const waits: number[] = [];
  const client = new RetryClient({ base, policy: { ...P, maxRetries: 5 }, sleep: async (ms) => void waits.push(ms) });
  const body = new Uint8Array([1, 2, 3]);
  const r = await client.send({ method: "PUT", url: "http://r/x", body });
  assert.equal(r.status, 201);
  assert.equal(base.sent.length, 4);
  for (const req of base.sent) assert.deepEqual(req.body, body);
  assert.equal(waits.length, 3);
  assert.equal(waits[2], 1_000, "Retry-After honoured");
});

test("RetryClient: gives up after maxRetries and returns the last response", async () => {
  const base = scripted([memoryResponse(503), memoryResponse(503), memoryResponse(503), memoryResponse(503)]);
  const client = new RetryClient({ base, policy: P, sleep: async () => {} });
  const r = await client.send({ method: "GET", url: "http://r/x" });
  assert.equal(r.status, 503);
  assert.equal(base.sent.length, P.maxRetries + 1);
});

test("RetryClient: a non-retryable error is thrown at once", async () => {
  const refused = errWith("ECONNREFUSED");
  const base = scripted([refused]);
  const client = new RetryClient({ base, policy: P, sleep: async () => assert.fail("must not wait") });
  await assert.rejects(client.send({ method: "GET", url: "http://r/x" }), (e) => e === refused);
  assert.equal(base.sent.length, 1);
});
