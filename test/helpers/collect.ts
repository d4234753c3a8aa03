import type { NatsConnection } from "@nats-io/transport-node";

/** What arrives on `subject` within `waitMs` of `act`, subscribed (and flushed) before `act` runs. */
export async function collectOn(nc: NatsConnection, subject: string, act: () => Promise<unknown> | void, waitMs: number): Promise<string[]> {
  const got: string[] = [];
  const sub = nc.subscribe(subject, { callback: (_e, m) => void got.push(m.string()) });
  await nc.flush();
  await act();
  await new Promise((r) => setTimeout(r, waitMs));
  sub.unsubscribe();
  return got;
}
