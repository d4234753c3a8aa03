import type { NatsConnection } from "@nats-io/transport-node";

/**
 * Subscribes to `subject`, runs `act`, and collects what arrives until `enough(got)` holds.
 * To show that something does not arrive, send a marker after it that does, and wait for that.
 */
export async function collectUntil(nc: NatsConnection, subject: string, act: () => Promise<unknown> | void, enough: (got: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
  const got: string[] = [];
  let wake = () => {};
  const sub = nc.subscribe(subject, { callback: (_e, m) => (got.push(m.string()), wake()) });
  try {
    await nc.flush();
    await act();
    const end = Date.now() + timeoutMs;
    while (!enough(got)) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`${subject}: not enough within ${timeoutMs} ms; got ${JSON.stringify(got).slice(0, 2000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        wake = () => (clearTimeout(t), r());
      });
    }
    return got;
  } finally {
    sub.unsubscribe();
  }
}
