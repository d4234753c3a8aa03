import type { NatsConnection } from "@nats-io/nats-core";
import { Svcm, type Service, type ServiceMsg } from "@nats-io/services";
import { KEY_HEADER, ReplayGuard, SIGNATURE_HEADER, verifyRequest } from "./auth.js";
import { RateLimiter, type RatePolicy } from "./rate-limit.js";
import type { DaemonEvent } from "../types.js";

export const SERVICE_NAME = "pelato";
export const ENDPOINTS = ["redeploy", "status", "plan", "remove"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
/** Requests per second the service verifies at all, whoever sends them (signature checks cost CPU). */
const GLOBAL_RATE: RatePolicy = { burst: 50, perSecond: 20 };

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
  const perKey = new RateLimiter(o.rate);
  const global = new RateLimiter(GLOBAL_RATE);
  for (const endpoint of ENDPOINTS) {
    group.addEndpoint(endpoint, { handler: (_err, msg) => void handle(endpoint, msg), metadata: { signed: "nkey" } });
  }

  async function handle(endpoint: Endpoint, msg: ServiceMsg): Promise<void> {
    const now = Date.now();
    const refuse = (code: number, reason: string, key?: string) => {
      o.emit({ type: "request", endpoint, outcome: "refused", reason, ...(key ? { key } : {}) });
      msg.respondError(code, reason, JSON.stringify({ ok: false, code, error: reason }));
    };
    if (!global.take("*", now).ok) return refuse(429, "rate limited: the service is busy, retry later");
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
