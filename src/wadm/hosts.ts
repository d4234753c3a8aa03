import { errors, type NatsConnection } from "@nats-io/nats-core";

/** What one wasmCloud host runs, from its control interface (wasmbus.ctl.v1.<lattice>.host.get). */
export interface HostInventory {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** Components and providers, each with the wadm application that put it there. */
  workloads: { kind: "component" | "provider"; id: string; app?: string; image: string }[];
}

interface InventoryReply {
  response?: {
    host_id: string;
    friendly_name: string;
    labels: Record<string, string>;
    components?: { id: string; image_ref: string; annotations?: Record<string, string> }[];
    providers?: { id: string; image_ref: string; annotations?: Record<string, string> }[];
  };
}

/** Every host that answers a ping within `waitMs`, with what it runs. */
export async function latticeInventory(nc: NatsConnection, lattice: string, waitMs = 1000): Promise<HostInventory[]> {
  const ids: string[] = [];
  try {
    for await (const m of await nc.requestMany(`wasmbus.ctl.v1.${lattice}.host.ping`, "", { maxWait: waitMs })) {
      const id = m.json<{ response?: { id: string } }>().response?.id;
      if (id) ids.push(id);
    }
  } catch (err) {
    const none = err instanceof errors.NoRespondersError || (err instanceof errors.RequestError && err.isNoResponders());
    if (!none) throw err; // no responders: no host in the lattice
  }
  const hosts = await Promise.all(
    ids.map(async (id) => {
      // A host that stops answering between the ping and this request is left out, not an error.
      const reply = await nc.request(`wasmbus.ctl.v1.${lattice}.host.get.${id}`, "", { timeout: waitMs * 3 }).catch(() => undefined);
      const r = reply?.json<InventoryReply>().response;
      if (!r) return undefined;
      const app = (a?: Record<string, string>) => a?.["wasmcloud.dev/appspec"];
      const workloads: HostInventory["workloads"] = [
        ...(r.components ?? []).map((c) => ({ kind: "component" as const, id: c.id, image: c.image_ref, ...(app(c.annotations) ? { app: app(c.annotations)! } : {}) })),
        ...(r.providers ?? []).map((p) => ({ kind: "provider" as const, id: p.id, image: p.image_ref, ...(app(p.annotations) ? { app: app(p.annotations)! } : {}) })),
      ];
      return { id: r.host_id, name: r.friendly_name, labels: r.labels, workloads };
    }),
  );
  return hosts.filter((h): h is HostInventory => h !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}

/** Where each application's components run: app → hosts (name and host-type). */
export function placement(hosts: HostInventory[]): Map<string, { host: string; hostType?: string }[]> {
  const out = new Map<string, { host: string; hostType?: string }[]>();
  for (const h of hosts) {
    for (const w of h.workloads) {
      if (w.kind !== "component" || !w.app) continue;
      out.set(w.app, [...(out.get(w.app) ?? []), { host: h.name, ...(h.labels["host-type"] ? { hostType: h.labels["host-type"] } : {}) }]);
    }
  }
  return out;
}
