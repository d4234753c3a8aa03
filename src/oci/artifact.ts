import { digestOf } from "./digest.js";
import { ANNOTATION, OCI_MANIFEST, PROVIDER_CONFIG, PROVIDER_LAYER, WASM_CONFIG, WASM_LAYER, type Blob, type Descriptor, type ImageManifest } from "./media-types.js";

// The CNCF TAG Runtime Wasm OCI artifact layout, as wash and wasmCloud hosts read it (and as
// bytecodealliance/rust-oci-wasm writes it): an OCI image manifest whose config is
// application/vnd.wasm.config.v0+json and whose one layer is the component, application/wasm.
// Pure: the same input always gives the same bytes, hence the same manifest digest.

export interface WasmArtifactInput {
  component: Uint8Array;
  /** The component's world, as componentInterfaces() reads it. */
  interfaces: ComponentInterfaces;
  /** Config "created" and the created annotation; choose it deterministically (see provenance.ts). */
  created: Date;
  /** org.opencontainers.image.title: the component name. */
  title: string;
  /** org.opencontainers.image.version: the task's version. */
  version?: string;
  /** org.opencontainers.image.revision: the source commit, when known. */
  revision?: string;
}

export interface ComponentInterfaces {
  imports: string[];
  exports: string[];
}

export interface WasmArtifact {
  manifest: Blob;
  config: Blob;
  layer: Blob;
}

/** Builds the three blobs of a Wasm component artifact. */
export function wasmArtifact(i: WasmArtifactInput): WasmArtifact {
  const created = rfc3339(i.created);
  const layer = blob(WASM_LAYER, i.component, { [ANNOTATION.title]: `${i.title}.wasm` });
  const config = blob(
    WASM_CONFIG,
    json({
      created,
      architecture: "wasm",
      os: "wasip2",
      layerDigests: [layer.descriptor.digest],
      component: { exports: i.interfaces.exports, imports: i.interfaces.imports },
    }),
  );
  const annotations: Record<string, string> = { [ANNOTATION.created]: created, [ANNOTATION.title]: i.title };
  if (i.version !== undefined) annotations[ANNOTATION.version] = i.version;
  if (i.revision !== undefined) annotations[ANNOTATION.revision] = i.revision;
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: config.descriptor, layers: [layer.descriptor], annotations };
  return { manifest: blob(OCI_MANIFEST, json(manifest)), config, layer };
}

/**
 * A capability provider archive as an OCI artifact: one layer, the .par.gz (whose signed claims
 * name the provider), and a config of the type wash writes. Pure, like wasmArtifact.
 */
export function providerArtifact(i: { par: Uint8Array; created: Date; title: string; version: string }): WasmArtifact {
  const created = rfc3339(i.created);
  const layer = blob(PROVIDER_LAYER, i.par, { [ANNOTATION.title]: `${i.title}.par.gz` });
  const config = blob(PROVIDER_CONFIG, json({ created }));
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: config.descriptor, layers: [layer.descriptor], annotations: { [ANNOTATION.created]: created, [ANNOTATION.title]: i.title, [ANNOTATION.version]: i.version } };
  return { manifest: blob(OCI_MANIFEST, json(manifest)), config, layer };
}

/** Seconds precision, "Z": what `date -u +%Y-%m-%dT%H:%M:%SZ` and most OCI tools write. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function blob(mediaType: string, bytes: Uint8Array, annotations?: Record<string, string>): Blob {
  const descriptor: Descriptor = { mediaType, digest: digestOf(bytes), size: bytes.length, ...(annotations ? { annotations } : {}) };
  return { descriptor, bytes };
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
