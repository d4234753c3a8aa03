import { RuntimeFailure } from "../errors.js";
import type { LinkTrait, Manifest, ScalerTrait } from "../render/index.js";

/** What the local host needs to run one application, read from its wadm manifest. */
export interface LocalApp {
  name: string;
  version: string;
  wasm: Uint8Array;
  digest: string;
  config: Record<string, string>;
  /** Subjects the messaging provider would subscribe the component to, each with its queue group if any. */
  subscriptions: { subject: string; queue?: string }[];
  /** A postgres sink's JetStream consumer: its deliver subject and queue group, read in batches. */
  sink?: { subject: string; queue: string };
  /** Port of the HTTP server provider's address, when the component serves HTTP. */
  httpPort?: number;
  /** host-type labels of the spread; reported, not enforced, locally. */
  targets: string[];
  /** Messages the task may handle at once on one host: the daemonscaler's instances. */
  concurrency: number;
}

/** Reads a manifest the way a wasmCloud host with the NATS, HTTP and postgres providers would. */
export function appFromManifest(manifest: Manifest, wasm: Uint8Array, digest: string): LocalApp {
  const { metadata, spec } = manifest;
  const component = spec.components.find((c) => c.type === "component");
  if (!component) throw new RuntimeFailure(`${metadata.name}: the manifest has no component`);
  const config: Record<string, string> = Object.assign({}, ...(component.properties.config ?? []).map((c) => c.properties ?? {}));
  const links = spec.components.flatMap((c) => c.traits.filter((t): t is LinkTrait => t.type === "link").map((t) => t.properties));
  const sourceProps = (interfaceName: string) =>
    links.filter((l) => l.interfaces.includes(interfaceName) && l.target.name === component.name).flatMap((l) => (l.source?.config ?? []).map((c) => c.properties ?? {}));
  const subscriptions = sourceProps("handler")
    .flatMap((p) => (p.subscriptions ?? "").split(",").map((s) => s.trim()).filter(Boolean))
    .map((s) => {
      const [subject, queue] = s.split("|");
      return { subject: subject!, ...(queue ? { queue } : {}) };
    });
  const reading = sourceProps("rows").find((p) => p.subject && p.queue);
  const address = sourceProps("incoming-handler").map((p) => p.address).find(Boolean);
  const scaler = component.traits.find((t): t is ScalerTrait => t.type === "daemonscaler")?.properties;
  const spread = scaler?.spread ?? [];
  return {
    name: metadata.name,
    version: metadata.annotations.version,
    wasm,
    digest,
    config,
    subscriptions,
    ...(reading ? { sink: { subject: reading.subject!, queue: reading.queue! } } : {}),
    ...(address ? { httpPort: Number(address.split(":").at(-1)) } : {}),
    targets: spread.map((s) => s.requirements["host-type"] ?? "").filter(Boolean),
    concurrency: Math.max(1, scaler?.instances ?? 1),
  };
}
