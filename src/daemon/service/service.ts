import type { NatsConnection } from "@nats-io/nats-core";
import { Svcm, type Service, type ServiceMsg } from "@nats-io/services";
import { KEY_HEADER, ReplayGuard, SIGNATURE_HEADER, verifyRequest } from "./auth.js";
import { RateLimiter, SampledLog, type RatePolicy } from "./rate-limit.js";
import type { DaemonEvent } from "../types.js";

export const SERVICE_NAME = "pelato";
export const ENDPOINTS = ["redeploy", "status", "plan", "remove"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
/** A refusal is logged once per this many ms and reason, with the number refused since: a flood writes a few lines. */
export const REFUSAL_LOG_MS = 10_000;

export interface ServiceOptions {
  instance: string;
  version: string;
  project: string;
  allowed: ReadonlySet<string>;
  windowMs: number;
  rate: RatePolicy;
  handlers: Record<Endpoint, (args: Record<string, unknown>) => Promise<unknown>>;
  emit(e: DaemonEvent): void;
}

type Answer = { ok: true; result: unknown } | { ok: false; code: number; error: string };

/**
 * The `pelato` NATS micro service: endpoints pelato.<instance>.{redeploy,status,plan,remove},
 * discoverable through $SRV.PING/INFO/STATS. Every request must be signed by an allowed nkey;
 * see auth.ts for the scheme.
 */
export async function startService(nc: NatsConnection, o: ServiceOptions): Promise<{ service: Service; stop(): Promise<void> }> {
  // @nats-io/services is typed against its own copy of nats-core; the connection is the same protocol object.
  const service = await new Svcm(nc as never).add({
    name: SERVICE_NAME,
    version: o.version,
    description: "pelatod: redeploys a project's tasks on request",
    metadata: { instance: o.instance, project: o.project },
  });
  const group = service.addGroup(`pelato.${o.instance}`);
  const guard = new ReplayGuard<Answer>(o.windowMs);
  // Only requests signed by an allowed key are counted against that key's budget: nothing a
  // stranger sends (unsigned, badly signed, or under a key not allowed) spends what key holders need.
  const perKey = new RateLimiter(o.rate);
  const refusals = new SampledLog(REFUSAL_LOG_MS);
  for (const endpoint of ENDPOINTS) {
    group.addEndpoint(endpoint, { handler: (_err, msg) => void handle(endpoint, msg), metadata: { signed: "nkey" } });
  }

  async function handle(endpoint: Endpoint, msg: ServiceMsg): Promise<void> {
    const now = Date.now();
    const refuse = (code: number, reason: string, key?: string) => {
      // The kind: the code, the allowed key if any, and the reason's head without any key in it
      // (a stranger's flood under ever new keys is still one kind).
      const count = refusals.take(`${code} ${key ?? ""} ${reason.split(":")[0]!.replace(/U[A-Z2-7]{55}/g, "U…")}`, now);
      if (count > 0) o.emit({ type: "request", endpoint, outcome: "refused", reason, ...(key ? { key } : {}), ...(count > 1 ? { count } : {}) });
      msg.respondError(code, reason, JSON.stringify({ ok: false, code, error: reason }));
    };
    const v = verifyRequest({ subject: msg.subject, data: msg.data, key: msg.headers?.get(KEY_HEADER), signature: msg.headers?.get(SIGNATURE_HEADER) }, { allowed: o.allowed, windowMs: o.windowMs }, now);
    if (!v.ok) return refuse(v.code, v.reason);
    const seen = guard.lookup(v.key, v, now);
    if (seen.kind === "conflict") return refuse(409, `replay refused: request id ${v.id} was already used for another request`, v.key);
    if (seen.kind === "new") {
      const limited = perKey.take(v.key, now);
      if (!limited.ok) return refuse(429, `rate limited: retry in ${limited.retryInMs} ms`, v.key);
    }
    const admitted =
      seen.kind === "duplicate"
        ? seen
        : {
            kind: "new" as const,
            answer: o.handlers[endpoint](v.args).then(
              (result): Answer => ({ ok: true, result }),
              (err: Error): Answer => ({ ok: false, code: 500, error: err.message }),
            ),
          };
    if (seen.kind === "new") guard.record(v.key, v, admitted.answer);
    const answer = await admitted.answer;
    const duplicate = admitted.kind === "duplicate";
    if (!answer.ok) {
      o.emit({ type: "request", endpoint, key: v.key, outcome: "failed", reason: answer.error });
      return void msg.respondError(answer.code, answer.error, JSON.stringify({ ...answer, ...(duplicate ? { duplicate } : {}) }));
    }
    o.emit({ type: "request", endpoint, key: v.key, outcome: duplicate ? "duplicate" : "ok" });
    msg.respond(JSON.stringify({ ...answer, ...(duplicate ? { duplicate } : {}) }));
  }

  return { service, stop: async () => void (await service.stop()) };
}
