import { headers, type NatsConnection } from "@nats-io/nats-core";
import { Kvm, type KV } from "@nats-io/kv";
import type { HostServices } from "./instance.js";
import type { SyncOp } from "./protocol.js";

/** The providers' side of the imports, on the local NATS: messaging, key-value, logging. */
export function natsServices(nc: NatsConnection, log: (level: string, context: string, message: string) => void): HostServices {
  const kvm = new Kvm(nc);
  const buckets = new Map<string, Promise<KV>>();
  // wasmCloud's keyvalue-nats provider creates the bucket on first use too.
  const bucket = (name: string) => {
    if (!buckets.has(name)) buckets.set(name, kvm.create(name));
    return buckets.get(name)!;
  };
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
  const ops: Record<SyncOp, (...args: never[]) => Promise<unknown>> = {
    request: async (subject: string, body: string, timeoutMs: number) => {
      const reply = await nc.request(subject, Buffer.from(body, "base64"), { timeout: timeoutMs });
      return { subject: reply.subject, body: b64(reply.data) };
    },
    "kv.get": async (name: string, key: string) => {
      const e = await (await bucket(name)).get(key);
      return e && e.operation === "PUT" ? b64(e.value) : null;
    },
    "kv.set": async (name: string, key: string, value: string) => void (await (await bucket(name)).put(key, Buffer.from(value, "base64"))),
    "kv.delete": async (name: string, key: string) => void (await (await bucket(name)).delete(key)),
    "kv.exists": async (name: string, key: string) => {
      const e = await (await bucket(name)).get(key);
      return Boolean(e && e.operation === "PUT");
    },
    "kv.keys": async (name: string) => {
      const keys: string[] = [];
      for await (const k of await (await bucket(name)).keys()) keys.push(k);
      return keys;
    },
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
