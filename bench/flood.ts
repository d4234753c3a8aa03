import type { NatsConnection } from "@nats-io/nats-core";

/**
 * Publishes `n` messages to `input` as fast as NATS takes them (flushed every 500) and counts
 * what arrives on `output` until all did or `deadlineMs` passed: messages per second (of those
 * that arrived) and how many never did.
 */
export async function flood(nc: NatsConnection, input: string, output: string, n: number, body: (i: number) => string, deadlineMs = 120_000): Promise<{ msgs_per_s: number; lost: number }> {
  let got = 0;
  let done = () => {};
  const all = new Promise<void>((r) => (done = r));
  const sub = nc.subscribe(output, { callback: () => void (++got === n && done()) });
  await nc.flush();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    nc.publish(input, body(i));
    if (i % 500 === 499) await nc.flush();
  }
  const timer = setTimeout(done, deadlineMs);
  await all;
  clearTimeout(timer);
  const seconds = (performance.now() - t0) / 1000;
  sub.unsubscribe();
  return { msgs_per_s: Math.round(got / seconds), lost: n - got };
}

/** `count` requests to `subject`, one at a time, after 50 to warm up: each one's round trip, in ms. */
export async function requestLatencies(nc: NatsConnection, subject: string, count: number, body: (i: number) => string, timeoutMs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count + 50; i++) {
    const t0 = performance.now();
    await nc.request(subject, body(i), { timeout: timeoutMs });
    out.push(performance.now() - t0);
  }
  return out.slice(50);
}
