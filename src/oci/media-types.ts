// Media types and the shapes of OCI documents this client reads and writes.
// Ref: opencontainers/image-spec v1.1 (descriptor.md, manifest.md, image-index.md, image-layout.md)
// and the CNCF TAG Runtime "Wasm OCI Artifact" layout (config application/vnd.wasm.config.v0+json).

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const WASM_CONFIG = "application/vnd.wasm.config.v0+json";
export const WASM_LAYER = "application/wasm";
/** A wasmCloud capability provider archive (.par.gz), as wash pushes it and wasmCloud hosts pull it (wasmcloud-core's oci.rs). */
export const PROVIDER_CONFIG = "application/vnd.wasmcloud.provider.archive.config";
export const PROVIDER_LAYER = "application/vnd.wasmcloud.provider.archive.layer.v1+par";

/** What a manifest GET accepts: every manifest kind we can parse. */
export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST];

export const ANNOTATION = {
  created: "org.opencontainers.image.created",
  revision: "org.opencontainers.image.revision",
  version: "org.opencontainers.image.version",
  title: "org.opencontainers.image.title",
  refName: "org.opencontainers.image.ref.name",
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** A blob and the descriptor naming it; bytes are held whole so that a retry can send them again. */
export interface Blob {
  descriptor: Descriptor;
  bytes: Uint8Array;
}
