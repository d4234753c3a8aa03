import type { Task } from "../workflow/index.js";
import { TEMPLATES, type ProviderImages } from "./templates.js";
import type { LinkTrait, Manifest, ManifestComponent, SpreadEntry, Trait } from "./manifest-types.js";

export interface ManifestOptions {
  /** Registry prefix of component images, host[:port][/namespace]. */
  registry: string;
  /** Port the HTTP producers listen on. Default: 8000. */
  httpPort: number;
  /** NATS URL the providers connect to; omitted to use the host's own NATS. */
  clusterUri?: string;
  providers: ProviderImages;
  projectName: string;
}

/** The names a task's application uses; the local host and wadm see the same ones. */
export const PROVIDER_NAMES = { messaging: "nats-messaging", http: "http-server", postgres: "postgres" } as const;
export const DEST_TOPIC_KEY = "dest_topic";
export const BUCKET_KEY = "bucket";
export const TABLE_KEY = "table";
export const KEY_COLUMN_KEY = "key";
export const PROJECT_ANNOTATION = "pelato.dev/project";
/** A task's concurrency when its workflow entry does not say: see README "Concurrency". */
export const DEFAULT_CONCURRENCY = 8;

/** The NATS queue group a task's instances share its source topic in (`subject|queue` in wasmCloud's config). */
export function queueGroup(component: string): string {
  return `pelato.${component}`;
}

export function imageRef(registry: string, task: Pick<Task, "component_name" | "version">): string {
  return `${registry}/${task.component_name}:${task.version}`;
}

/**
 * A postgres sink reads its topic from a JetStream consumer (at-least-once: a message whose rows
 * were not committed is delivered again), which pushes to this subject; its readers (pelatod's
 * provider on each host, or the local host) share it in the task's queue group.
 */
export function sinkDeliverSubject(component: string): string {
  return `pelato.sink.${component}`;
}

/**
 * The named config holding a postgres sink's DATABASE_URL, put into the lattice by pelatod before
 * it deploys: the manifest names it and never holds the password.
 */
export function databaseConfigName(component: string): string {
  return `${component}-database`;
}

/**
 * One wadm Application per task (wadm 0.21 link form). The version annotation is filled in by
 * the caller from a hash of the content, so an unchanged task keeps its version.
 */
export function taskManifest(task: Task, o: ManifestOptions): Manifest {
  const t = TEMPLATES[task.type];
  const name = task.component_name;
  const onTargets = { spread: task.targets.map((target) => ({ name: target, requirements: { "host-type": target } })) };
  const cluster: Record<string, string> = o.clusterUri ? { cluster_uris: o.clusterUri } : {};

  const runtimeConfig: Record<string, string> =
    t.sink === "kv" ? { [BUCKET_KEY]: task.bucket! } : t.sink === "postgres" ? { [TABLE_KEY]: task.table!, ...(task.key !== undefined ? { [KEY_COLUMN_KEY]: task.key } : {}) } : { [DEST_TOPIC_KEY]: task.dest_topic! };
  const componentTraits: Trait[] = [
    // `concurrency` instances on every host of the task's tiers (wasmCloud runs at most that many
    // invocations at once on a host), beside that host's providers: the fallback tier is already
    // warm when a host dies, every site of a tier runs its own, and the subscription's queue group
    // (below) makes the instances share the topic, never duplicate it. A spreadscaler would put a
    // tier's instances all on one of its hosts.
    { type: "daemonscaler", properties: { instances: task.concurrency ?? DEFAULT_CONCURRENCY, ...onTargets } },
  ];
  const components: ManifestComponent[] = [
    { name, type: "component", properties: { image: imageRef(o.registry, task), config: [{ name: `${name}-runtime`, properties: runtimeConfig }] }, traits: componentTraits },
  ];
  if (t.sink === "postgres") {
    // The provider reads the sink's JetStream consumer and hands the component its messages in
    // batches (pelato:sink/rows); the component writes their rows back through it.
    componentTraits.push(link("wasmcloud", "postgres", ["query"], { name: PROVIDER_NAMES.postgres, config: [{ name: databaseConfigName(name) }] }));
    const reading = { subject: sinkDeliverSubject(name), queue: queueGroup(name), ...cluster };
    components.push(capability(PROVIDER_NAMES.postgres, o.providers.postgres ?? UNPUSHED_POSTGRES_PROVIDER, onTargets, link("pelato", "sink", ["rows"], { name }, { config: [{ name: `${name}-sink`, properties: reading }] })));
  } else {
    componentTraits.push(link("wasmcloud", "messaging", ["consumer"], { name: PROVIDER_NAMES.messaging, ...(o.clusterUri ? { config: [{ name: `${name}-nats-consumer`, properties: cluster }] } : {}) }));
    const subscribe = task.source_topic !== undefined ? [link("wasmcloud", "messaging", ["handler"], { name }, { config: [{ name: `${name}-nats-subscription`, properties: { subscriptions: `${task.source_topic}|${queueGroup(name)}`, ...cluster } }] })] : [];
    components.push(capability(PROVIDER_NAMES.messaging, o.providers.messaging, onTargets, ...subscribe));
  }
  if (t.http) {
    components.push(capability(PROVIDER_NAMES.http, o.providers.http, onTargets, link("wasi", "http", ["incoming-handler"], { name }, { config: [{ name: `${name}-http-address`, properties: { address: `0.0.0.0:${o.httpPort}` } }] })));
  }

  return {
    apiVersion: "core.oam.dev/v1beta1",
    kind: "Application",
    metadata: {
      name,
      annotations: { version: "", description: task.name, [PROJECT_ANNOTATION]: o.projectName },
    },
    spec: { components },
  };
}

/** In a manifest rendered without a registry (the embedded default, which needs no provider image). */
export const UNPUSHED_POSTGRES_PROVIDER = "pelato-postgres-provider:unpushed";

function link(namespace: string, pkg: string, interfaces: string[], target: LinkTrait["properties"]["target"], source?: LinkTrait["properties"]["source"]): LinkTrait {
  return { type: "link", properties: { namespace, package: pkg, interfaces, target, ...(source ? { source } : {}) } };
}

// A daemonscaler on every host of the task's tiers: wasmCloud's builtin providers only serve
// components on their own host, so a provider must sit wherever the component may run.
function capability(name: string, image: string, onTargets: { spread: SpreadEntry[] }, ...links: LinkTrait[]): ManifestComponent {
  return { name, type: "capability", properties: { image }, traits: [{ type: "daemonscaler", properties: { instances: 1, ...onTargets } }, ...links] };
}
