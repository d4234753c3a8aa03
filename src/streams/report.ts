import type { JetStreamManager, StreamInfo } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Site } from "../sites.js";
import { domainManagers } from "./apply.js";
import { crossingHealth, type CrossingHealth } from "./health.js";
import type { CrossingStreams } from "./plan.js";

export interface SiteReport {
  name: string;
  tier: string;
  hub: boolean;
  /** Its JetStream domain answered from here within the deadline (for a leaf: its link is up). */
  reachable: boolean;
  /** Now if reachable; else the latest of wadm's last heartbeat from its hosts and the hub's last receipt from its captures, when known (ISO 8601). */
  lastSeen?: string;
}

export interface CrossingReport extends CrossingHealth {
  topic: string;
  site: string;
  stream: string;
}

/** Each site's reachability, and each crossing topic's backlog per leaf, as seen from the hub. */
export async function inspectSites(nc: NatsConnection, sites: readonly Site[], plans: readonly CrossingStreams[], timeoutMs: number, hostsLastSeen: ReadonlyMap<string, string> = new Map()): Promise<{ sites: SiteReport[]; crossings: CrossingReport[] }> {
  const manager = domainManagers(nc, timeoutMs);
  const managers = new Map(await Promise.all(sites.map(async (s) => [s.name, await manager(s.jsDomain).catch(() => undefined)] as const)));
  const now = Date.now();
  const crossings: CrossingReport[] = [];
  const heard = new Map<string, number>();
  for (const plan of plans) {
    const hub = sites.find((s) => s.hub)!;
    const forward = await streamInfo(managers.get(hub.name), plan.forward.name);
    for (const capture of plan.captures) {
      const site = sites.find((s) => s.jsDomain === capture.domain)!;
      const source = forward?.sources?.find((s) => (s as { external?: { api?: string } }).external?.api === `$JS.${capture.domain}.API`);
      const leaf = managers.get(site.name);
      const state = (await streamInfo(leaf, capture.name))?.state;
      const consumer = leaf && capture.consumer ? await leaf.consumers.info(capture.name, capture.consumer.name).catch(() => undefined) : undefined;
      const health = crossingHealth(
        state && { messages: state.messages, bytes: state.bytes, firstSeq: state.first_seq, firstTs: state.first_ts },
        consumer && { pending: consumer.num_pending + consumer.num_ack_pending, ackFloor: consumer.ack_floor.stream_seq },
        source && { lag: source.lag, activeNs: source.active },
        plan.crossing.limits,
        now,
      );
      if (health.lastHeardMs !== undefined) heard.set(site.name, Math.min(heard.get(site.name) ?? Infinity, health.lastHeardMs));
      crossings.push({ topic: plan.crossing.topic, site: site.name, stream: capture.name, ...health });
    }
  }
  const siteReports = sites.map((s) => {
    const reachable = managers.get(s.name) !== undefined;
    const fromStreams = heard.has(s.name) ? now - heard.get(s.name)! : undefined;
    const fromHosts = hostsLastSeen.has(s.name) ? Date.parse(hostsLastSeen.get(s.name)!) : undefined;
    const latest = reachable ? now : Math.max(fromStreams ?? -Infinity, fromHosts ?? -Infinity);
    return { name: s.name, tier: s.tier, hub: s.hub, reachable, ...(Number.isFinite(latest) ? { lastSeen: new Date(latest).toISOString() } : {}) };
  });
  return { sites: siteReports, crossings };
}

async function streamInfo(jsm: JetStreamManager | undefined, name: string): Promise<StreamInfo | undefined> {
  return jsm?.streams.info(name).catch(() => undefined);
}
