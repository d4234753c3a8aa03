import { readFile } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import { providerArtifact, rfc3339, wasmArtifact } from "./artifact.js";
import type { ClientStackOptions } from "./client.js";
import { digestOf } from "./digest.js";
import { describeNetworkError, DigestMismatchError, NotFoundError, PushFailedError } from "./errors.js";
import { OciLayout } from "./layout.js";
import { WASM_LAYER, type ImageManifest } from "./media-types.js";
import { projectProvenance, type Provenance } from "./provenance.js";
import { pushArtifact } from "./push.js";
import { parseRegistryPrefix } from "./reference.js";
import type { RepositoryOptions } from "./repository.js";
import type { Target } from "./target.js";
import { openRegistry, type RegistrySettings } from "./open-registry.js";
import { componentInterfaces } from "./wit.js";
import { PROJECT_STATE_DIR } from "../paths.js";

// Strategy: one destination (a registry, or the project's OCI layout when no registry is
// configured); check it answers before anything is sent; then per component, in a bounded pool:
// skip it when the tag already holds this very component, else build the artifact and copy it.
// A component counts as pushed only once its manifest is stored: nothing half-pushed is reported.

/** A built component to publish as <registry>/<namespace>/<component>:<tag>. */
export interface PushItem {
  component: string;
  /** Path of the built .wasm. */
  wasm: string;
  /** "sha256:…" of the component, as the build reported it. */
  digest: string;
  /** The tag, the task's version: what the rendered wadm manifests reference. */
  tag: string;
}

export interface PushOptions {
  /** pelatod's resolved registry settings (REGISTRY_URL, REGISTRY_USER, REGISTRY_PASSWORD). */
  registry: RegistrySettings;
  projectDir: string;
  /** Components pushed at once. Default: DEFAULT_PUSH_PARALLEL. */
  parallel?: number;
  onEvent?: (event: PushEvent) => void;
  /** Where SOURCE_DATE_EPOCH is read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
  dockerConfig?: string;
  /** Retry policy and transport of the registry client. Default: the client stack's defaults. */
  client?: Omit<ClientStackOptions, "credential" | "onRetry" | "tokenHosts" | "timeoutMs">;
  repository?: Omit<RepositoryOptions, "push">;
}

export const DEFAULT_PUSH_PARALLEL = 4;
/** Where push writes when REGISTRY_URL is not set, relative to the project. */
export const LAYOUT_DIR = join(PROJECT_STATE_DIR, "oci");

export interface TaskPushResult {
  component: string;
  /** registry/repository:tag, or oci:<layout dir>:<component>:<tag> for the layout. */
  ref: string;
  manifestDigest: string;
  layerDigest: string;
  blobsUploaded: number;
  blobsMounted: number;
  bytesUploaded: number;
  /** The tag already held this component: nothing was sent. */
  skipped: boolean;
  seconds: number;
}

export interface PushReport {
  destination: "registry" | "oci-layout";
  /** The registry host, or the layout folder. */
  location: string;
  created: string;
  createdFrom: Provenance["createdFrom"];
  revision?: string;
  tasks: TaskPushResult[];
}

export type PushEvent =
  | { type: "start"; component: string; ref: string }
  | { type: "done"; result: TaskPushResult }
  | { type: "retry"; method: string; path: string; attempt: number; delayMs: number; reason: string };

interface Destination {
  kind: PushReport["destination"];
  location: string;
  ready(): Promise<void>;
  open(component: string, tag: string): { target: Target; ref: string; repository: string };
  close(): Promise<void>;
}

/** Publishes built components; throws PushFailedError naming each failure and what did get pushed. */
export async function pushComponents(items: PushItem[], o: PushOptions): Promise<PushReport> {
  const provenance = await projectProvenance(o.projectDir, o.env);
  const dest = o.registry.configured ? registryDestination(o) : layoutDestination(join(o.projectDir, LAYOUT_DIR));
  try {
    await dest.ready();
    const limit = pLimit(Math.max(1, o.parallel ?? DEFAULT_PUSH_PARALLEL));
    const seen = new Map<string, string>(); // blob digest → repository holding it, for mounts
    const settled = await Promise.allSettled(items.map((item) => limit(() => pushOne(item, dest, provenance, seen, o.onEvent))));
    const failures = settled.flatMap((s, i) => (s.status === "rejected" ? [{ component: items[i]!.component, error: s.reason as Error }] : []));
    const tasks = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    if (failures.length > 0) throw new PushFailedError(failures, tasks.map((t) => t.ref));
    return { destination: dest.kind, location: dest.location, created: rfc3339(provenance.created), createdFrom: provenance.createdFrom, ...(provenance.revision ? { revision: provenance.revision } : {}), tasks };
  } finally {
    await dest.close();
  }
}

async function pushOne(item: PushItem, dest: Destination, prov: Provenance, seen: Map<string, string>, onEvent?: (e: PushEvent) => void): Promise<TaskPushResult> {
  const t0 = performance.now();
  const { target, ref, repository } = dest.open(item.component, item.tag);
  onEvent?.({ type: "start", component: item.component, ref });
  const done = (r: Omit<TaskPushResult, "component" | "ref" | "seconds">): TaskPushResult => {
    const result = { component: item.component, ref, ...r, seconds: Number(((performance.now() - t0) / 1000).toFixed(3)) };
    onEvent?.({ type: "done", result });
    return result;
  };

  const current = await currentManifest(target, item.tag);
  if (current && current.layers.length === 1 && current.layers[0]!.digest === item.digest && current.layers[0]!.mediaType === WASM_LAYER) {
    return done({ manifestDigest: current.digest, layerDigest: item.digest, blobsUploaded: 0, blobsMounted: 0, bytesUploaded: 0, skipped: true });
  }
  const bytes = await readFile(item.wasm);
  const actual = digestOf(bytes);
  if (actual !== item.digest) throw new DigestMismatchError(`${item.wasm} (changed since it was built?)`, item.digest, actual);
  const artifact = wasmArtifact({
    component: bytes,
    interfaces: await componentInterfaces(bytes),
    created: prov.created,
    title: item.component,
    version: item.tag,
    ...(prov.revision ? { revision: prov.revision } : {}),
  });
  const outcome = await pushArtifact(target, artifact, item.tag, (digest) => seen.get(digest));
  for (const b of [artifact.layer, artifact.config]) seen.set(b.descriptor.digest, repository);
  return done({ manifestDigest: outcome.manifest.digest, layerDigest: artifact.layer.descriptor.digest, blobsUploaded: outcome.uploaded, blobsMounted: outcome.mounted, bytesUploaded: outcome.bytesUploaded, skipped: false });
}

/**
 * A capability provider archive, pushed as `<registry>/<repository>:<tag>` (the tag already
 * holding this very archive is left alone). Its created date is fixed: the same archive is always
 * the same image digest, whichever project pushes it.
 */
export async function pushProviderArchive(par: Uint8Array, repository: string, tag: string, o: Omit<PushOptions, "projectDir">): Promise<TaskPushResult> {
  const t0 = performance.now();
  const dest = registryDestination(o as PushOptions);
  try {
    await dest.ready();
    const { target, ref } = dest.open(repository, tag);
    o.onEvent?.({ type: "start", component: repository, ref });
    const artifact = providerArtifact({ par, created: new Date(0), title: repository, version: tag });
    const current = await currentManifest(target, tag);
    const same = current?.layers.length === 1 && current.layers[0]!.digest === artifact.layer.descriptor.digest;
    const outcome = same ? undefined : await pushArtifact(target, artifact, tag);
    const result: TaskPushResult = {
      component: repository,
      ref,
      manifestDigest: same ? current!.digest : outcome!.manifest.digest,
      layerDigest: artifact.layer.descriptor.digest,
      blobsUploaded: outcome?.uploaded ?? 0,
      blobsMounted: outcome?.mounted ?? 0,
      bytesUploaded: outcome?.bytesUploaded ?? 0,
      skipped: same,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
    };
    o.onEvent?.({ type: "done", result });
    return result;
  } finally {
    await dest.close();
  }
}

/** The image manifest a tag holds now, or undefined when the tag is new (or holds something else). */
async function currentManifest(target: Target, tag: string): Promise<{ digest: string; layers: ImageManifest["layers"] } | undefined> {
  try {
    const { descriptor, manifest } = await target.fetchManifest(tag);
    return "layers" in manifest && Array.isArray(manifest.layers) ? { digest: descriptor.digest, layers: manifest.layers } : undefined;
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

function registryDestination(o: PushOptions): Destination {
  const { registry: host, namespace } = parseRegistryPrefix(o.registry.url);
  const registry = openRegistry(host, o.registry, {
    ...o.client,
    ...(o.dockerConfig !== undefined ? { dockerConfig: o.dockerConfig } : {}),
    onRetry: ({ req, attempt, delayMs, status, error }) =>
      o.onEvent?.({ type: "retry", method: req.method, path: new URL(req.url).pathname, attempt: attempt + 1, delayMs, reason: status !== undefined ? `HTTP ${status}` : error instanceof Error ? describeNetworkError(error) : String(error) }),
  });
  return {
    kind: "registry",
    location: host,
    ready: () => registry.ping(),
    open(component, tag) {
      const repository = namespace ? `${namespace}/${component}` : component;
      return { target: registry.repository(repository, { ...o.repository, push: true }), ref: `${host}/${repository}:${tag}`, repository };
    },
    close: () => registry.close(),
  };
}

/** One OCI layout per component, `<dir>/<component>`, its entries named by version. */
function layoutDestination(dir: string): Destination {
  return {
    kind: "oci-layout",
    location: dir,
    ready: async () => {},
    open: (component, tag) => ({ target: new OciLayout(join(dir, component)).target(), ref: `oci:${join(dir, component)}:${tag}`, repository: component }),
    close: async () => {},
  };
}
