import { randomBytes } from "node:crypto";
import { headers, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import { fromSeed } from "@nats-io/nkeys";
import { KEY_HEADER, signedBytes, SIGNATURE_HEADER } from "./auth.js";

/** A signed request for the daemon's service, as a client builds it. */
export function signRequest(seed: string | Uint8Array, subject: string, args: Record<string, unknown> = {}, o: { id?: string; now?: number } = {}): { data: Uint8Array; headers: MsgHdrs; id: string } {
  const kp = fromSeed(typeof seed === "string" ? new TextEncoder().encode(seed.trim()) : seed);
  const id = o.id ?? randomBytes(12).toString("base64url");
  const data = new TextEncoder().encode(JSON.stringify({ id, ts: o.now ?? Date.now(), args }));
  const h = headers();
  h.set(KEY_HEADER, kp.getPublicKey());
  h.set(SIGNATURE_HEADER, Buffer.from(kp.sign(signedBytes(subject, data))).toString("base64url"));
  return { data, headers: h, id };
}

export interface ServiceReply {
  ok: boolean;
  code?: number;
  error?: string;
  duplicate?: boolean;
  result?: unknown;
}

/** Signs and sends one request; the reply's JSON, errors included. */
export async function callService(nc: NatsConnection, subject: string, seed: string | Uint8Array, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<ServiceReply> {
  const { data, headers: h } = signRequest(seed, subject, args);
  const msg = await nc.request(subject, data, { headers: h, timeout: timeoutMs });
  return JSON.parse(msg.string()) as ServiceReply;
}

/** The subject of one endpoint of the service of daemon `instance`. */
export function serviceSubject(instance: string, endpoint: "redeploy" | "status" | "plan" | "remove"): string {
  return `pelato.${instance}.${endpoint}`;
}
