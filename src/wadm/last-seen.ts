import { jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";

/** wadm keeps its view of the lattice's hosts in this bucket, under `host_<lattice>`. */
const STATE_BUCKET = "wadm_state";

/**
 * When wadm (whose buckets are in the hub's JetStream domain) last heard from a host of each site (its `site` label): the latest of its hosts'
 * `last_seen`. wadm forgets a host two cleanup intervals after its last heartbeat.
 */
export async function sitesLastSeen(nc: NatsConnection, hubDomain: string, lattice: string, timeoutMs: number): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  try {
    const kv = await new Kvm(jetstream(nc, { timeout: timeoutMs, domain: hubDomain })).open(STATE_BUCKET);
    const entry = await kv.get(`host_${lattice}`);
    const hosts = entry ? (entry.json<Record<string, { labels?: Record<string, string>; last_seen?: string }>>() ?? {}) : {};
    for (const h of Object.values(hosts)) {
      const site = h.labels?.site;
      if (!site || !h.last_seen) continue;
      if (!seen.has(site) || Date.parse(h.last_seen) > Date.parse(seen.get(site)!)) seen.set(site, h.last_seen);
    }
  } catch {
    // No wadm state to read (another wadm, or none yet): last seen stays unknown.
  }
  return seen;
}
