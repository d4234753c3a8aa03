import { headers, type NatsConnection } from "@nats-io/nats-core";
import type { HostServices } from "./instance.js";
import type { SyncOp } from "./protocol.js";
import type { Database, PlainValue, QueryAnswer } from "./database.js";

/** The providers' side of the imports: messaging on the local NATS, PostgreSQL, logging. */
export function natsServices(nc: NatsConnection, database: Database | undefined, log: (level: string, context: string, message: string) => void): HostServices {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
  const ops: Record<SyncOp, (...args: never[]) => Promise<unknown>> = {
    request: async (subject: string, body: string, timeoutMs: number) => {
      const reply = await nc.request(subject, Buffer.from(body, "base64"), { timeout: timeoutMs });
      return { subject: reply.subject, body: b64(reply.data) };
    },
    "pg.query": async (query: string, params: PlainValue[]): Promise<QueryAnswer> =>
      database ? database.query(query, params) : { error: { tag: "unexpected", val: "no DATABASE_URL: set it (a libpq URI) for the project's postgres tasks" } },
  };
  return {
    publish: (subject, body, replyTo) => nc.publish(subject, body, replyTo ? { reply: replyTo } : undefined),
    call: (op, args) => (ops[op] as (...a: unknown[]) => Promise<unknown>)(...args),
    log,
  };
}

/** Answers a request whose handling failed, so the requester hears why instead of timing out. */
export function errorReply(nc: NatsConnection, replyTo: string, error: string): void {
  const h = headers();
  h.set("Pelato-Error", error.split("\n")[0]!.slice(0, 500));
  nc.publish(replyTo, error, { headers: h });
}
