import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { RuntimeFailure } from "../errors.js";
import type { Service } from "./service.js";

/**
 * The engine settings the dev lattice gives its wasmCloud hosts (upstream's variable names; the
 * environment overrides each). Why these values: README, "The wasmCloud host's engine settings".
 */
export const HOST_ENGINE_DEFAULTS = {
  WASMCLOUD_MAX_COMPONENTS: "10000",
  WASMCLOUD_MAX_LINEAR_MEMORY: String(256 << 20),
  WASMCLOUD_MAX_CORE_INSTANCES_PER_COMPONENT: "30",
} as const;

export interface HostSettings {
  lattice: string;
  natsHost: string;
  natsPort: number;
  registry: string;
  labels: Record<string, string>;
  heartbeatSeconds?: number;
  /** The JetStream domain holding the lattice's buckets (a leaf site's host uses the hub's). */
  jsDomain?: string;
}

/**
 * A wasmCloud host's environment. Each host gets a TMPDIR of its own: wasmCloud caches fetched
 * components in $TMPDIR/wasmcloud_ocicache, written in place, and two hosts sharing it read each
 * other's half-written files ("bad magic number", "unexpected end-of-file").
 */
export function hostEnvironment(h: HostSettings, tmp: string): NodeJS.ProcessEnv {
  mkdirSync(tmp, { recursive: true });
  return {
    ...HOST_ENGINE_DEFAULTS,
    ...process.env,
    RUST_LOG: process.env.RUST_LOG ?? "warn",
    WASMCLOUD_NATS_HOST: h.natsHost,
    WASMCLOUD_NATS_PORT: String(h.natsPort),
    WASMCLOUD_LATTICE: h.lattice,
    ...Object.fromEntries(Object.entries(h.labels).map(([k, v]) => [`WASMCLOUD_LABEL_${k}`, v])),
    WASMCLOUD_OCI_ALLOWED_INSECURE: h.registry,
    ...(h.jsDomain ? { WASMCLOUD_JS_DOMAIN: h.jsDomain } : {}),
    ...(h.heartbeatSeconds ? { WASMCLOUD_HOST_HEARTBEAT_INTERVAL: String(h.heartbeatSeconds) } : {}),
    TMPDIR: tmp,
  };
}

export function hostTmp(dir: string, name: string): string {
  return join(dir, `${name}-tmp`);
}

/** The id of a host whose labels include `labels`, that answers ping and passes `fresh`. */
export async function hostIdOf(nc: NatsConnection, lattice: string, labels: Record<string, string>, fresh: (id: string) => boolean): Promise<string> {
  const replies = await nc.requestMany(`wasmbus.ctl.v1.${lattice}.host.ping`, "", { maxWait: 1000 });
  for await (const m of replies) {
    const r = m.json<{ response?: { id: string; labels: Record<string, string> } }>().response;
    if (r && Object.entries(labels).every(([k, v]) => r.labels[k] === v) && fresh(r.id)) return r.id;
  }
  throw new Error("not answering yet");
}

export interface WaitContext {
  /** The service being waited for: its exit ends the wait at once, and its log is named. */
  service?: Pick<Service, "exited" | "log">;
  signal?: AbortSignal;
}

export async function waitFor<T>(what: string, attempt: () => Promise<T>, ms = 60_000, ctx: WaitContext = {}): Promise<T> {
  const end = Date.now() + ms;
  const where = ctx.service ? ` (its log: ${ctx.service.log})` : "";
  let exited: number | null | undefined;
  void ctx.service?.exited.then((code) => (exited = code ?? -1));
  let last: unknown;
  while (Date.now() < end) {
    if (ctx.signal?.aborted) throw new RuntimeFailure(`stopped while waiting for ${what}`);
    if (exited !== undefined) throw new RuntimeFailure(`${what} exited (code ${exited}) before it came up${where}`);
    try {
      return await attempt();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new RuntimeFailure(`${what} did not come up within ${ms / 1000} s: ${(last as Error)?.message ?? last}${where}`);
}

export function registryConfig(addr: string, storage: string): string {
  return ["version: 0.1", "log:", "  level: warn", "storage:", "  filesystem:", `    rootdirectory: ${storage}`, "  delete:", "    enabled: true", "http:", `  addr: ${addr}`, ""].join("\n");
}

export async function registryAnswers(registry: string): Promise<void> {
  const r = await fetch(`http://${registry}/v2/`, { signal: AbortSignal.timeout(2000) });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
}
