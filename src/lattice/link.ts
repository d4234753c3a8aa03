import { RuntimeFailure, UsageError } from "../errors.js";

/** The leaf link's proxy inside a site, as toxiproxy's configuration names it. */
export const LINK_PROXY = "leaf";
export const LINK_API_PORT = 8474;

export type LinkAction = { kind: "down" } | { kind: "up" } | { kind: "latency"; ms: number } | { kind: "reset-peer"; percent: number };

export function parseLinkAction(action: string, value: string | undefined): LinkAction {
  const whole = (what: string, max: number) => {
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || n > max) throw new UsageError(`lattice link ${action}: give ${what}, a whole number from 0 to ${max} (0 removes it)`);
    return n;
  };
  if (action === "down" || action === "up") {
    if (value !== undefined) throw new UsageError(`lattice link ${action} takes no value, got "${value}"`);
    return { kind: action };
  }
  if (action === "latency") return { kind: "latency", ms: whole("the latency in milliseconds", 600_000) };
  if (action === "reset-peer") return { kind: "reset-peer", percent: whole("the percentage of connections to reset", 100) };
  throw new UsageError(`lattice link: unknown action "${action}" (down, up, latency <ms>, reset-peer <percent>)`);
}

/** toxiproxy's own configuration for a site's link: the leaf connection's proxy. */
export function linkProxyConfig(listen: string, upstream: string): string {
  return JSON.stringify([{ name: LINK_PROXY, listen, upstream, enabled: true }]);
}

/**
 * Drives a site's link through toxiproxy's HTTP API. Latency and resets replace any earlier
 * setting of their kind, so the link always has at most one of each.
 */
export async function applyLinkAction(api: string, action: LinkAction, timeoutMs = 5000): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${api}/proxies/${LINK_PROXY}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((err: Error) => {
      throw new RuntimeFailure(`the link's proxy at ${api} did not answer within ${timeoutMs / 1000} s: ${err.message}`);
    });
    if (!r.ok && !(method === "DELETE" && r.status === 404)) throw new RuntimeFailure(`the link's proxy at ${api} refused ${method} ${path || "/"}: HTTP ${r.status} ${(await r.text()).trim()}`);
  };
  switch (action.kind) {
    case "down":
    case "up":
      return call("POST", "", { enabled: action.kind === "up" });
    case "latency":
      for (const stream of ["upstream", "downstream"]) {
        await call("DELETE", `/toxics/latency_${stream}`);
        if (action.ms > 0) await call("POST", "/toxics", { name: `latency_${stream}`, type: "latency", stream, attributes: { latency: action.ms, jitter: 0 } });
      }
      return;
    case "reset-peer":
      await call("DELETE", "/toxics/reset_peer");
      if (action.percent > 0) await call("POST", "/toxics", { name: "reset_peer", type: "reset_peer", stream: "downstream", toxicity: action.percent / 100, attributes: { timeout: 0 } });
      return;
  }
}
