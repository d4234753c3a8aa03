import type { Site } from "../sites.js";

export const CLIENT_PORT = 4222;
export const LEAF_PORT = 7422;
export const MONITOR_PORT = 8222;

export interface NatsConfigInput {
  site: Site;
  /** The site's address on the dev lattice's network (monitoring listens there). */
  address: string;
  storeDir: string;
  /** Leaves only: where the leaf link starts (the site's toxiproxy). */
  leafRemote?: string;
  /** Leaves only: topics that cross only through JetStream, denied on the leaf link both ways. */
  deny?: readonly string[];
}

/**
 * A site's nats-server configuration. The hub accepts leaves without advertising its address, so
 * a leaf cannot reconnect around its link; a leaf dials its hub through its own link.
 */
export function natsConfig(o: NatsConfigInput): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    `server_name: ${q(o.site.name)}`,
    `listen: ${q(`0.0.0.0:${CLIENT_PORT}`)}`,
    `http: ${q(`${o.address}:${MONITOR_PORT}`)}`,
    `jetstream { store_dir: ${q(o.storeDir)}, domain: ${q(o.site.jsDomain)} }`,
  ];
  if (o.site.hub) {
    lines.push(`leafnodes { listen: ${q(`0.0.0.0:${LEAF_PORT}`)}, no_advertise: true }`);
  } else {
    const deny = (o.deny ?? []).map(q).join(", ");
    const denied = deny === "" ? "" : `, deny_exports: [${deny}], deny_imports: [${deny}]`;
    lines.push(`leafnodes { reconnect: "1s", remotes: [ { url: ${q(o.leafRemote!)}${denied} } ] }`);
  }
  return lines.join("\n") + "\n";
}
