import { test } from "node:test";
import assert from "node:assert/strict";
import { RateLimiter, SampledLog, takeToken } from "../../src/daemon/index.js";

test("a bucket allows its burst at once, then one request per refill interval", () => {
  const p = { burst: 3, perSecond: 0.5 };
  let b = undefined as Parameters<typeof takeToken>[0];
  const taken = [0, 0, 0, 0].map(() => {
    const r = takeToken(b, p, 1000);
    b = r.bucket;
    return r.ok;
  });
  assert.deepEqual(taken, [true, true, true, false]);
  const refused = takeToken(b, p, 1000);
  assert.equal(refused.retryInMs, 2000);
  assert.equal(takeToken(b, p, 2999).ok, false);
  assert.equal(takeToken(b, p, 3000).ok, true);
});

test("the limiter keeps one bucket per key", () => {
  const l = new RateLimiter({ burst: 1, perSecond: 1 });
  assert.equal(l.take("a", 0).ok, true);
  assert.equal(l.take("a", 10).ok, false);
  assert.equal(l.take("b", 10).ok, true);
  assert.equal(l.take("a", 1010).ok, true);
});

test("SampledLog: one line per kind and window, counting the refusals kept quiet since the last", () => {
  const log = new SampledLog(10_000);
  assert.equal(log.take("401 unsigned", 0), 1);
  for (let t = 1; t < 100; t++) assert.equal(log.take("401 unsigned", t), 0);
  assert.equal(log.take("403 stranger", 50), 1, "another kind has its own line");
  assert.equal(log.take("401 unsigned", 10_000), 100, "the next line counts itself and the 99 kept quiet");
  assert.equal(log.take("401 unsigned", 25_000), 1);
});
