import type { Blob, Descriptor, ImageManifest } from "./media-types.js";

/** What a copy pushes into and reads from: a registry repository, or one in an OCI layout folder. */
export interface Target {
  /** For messages: "127.0.0.1:5000/comp" or "/project/.pelato/oci (comp)". */
  readonly location: string;
  blobExists(digest: string): Promise<boolean>;
  /** Stores a blob whose bytes must hash to its descriptor's digest. `mountFrom` names another
   * repository of the same registry that holds it (cross-repository mount). */
  pushBlob(blob: Blob, o?: { mountFrom?: string }): Promise<"uploaded" | "mounted">;
  /** The manifest a tag or digest points to, or undefined when there is none. */
  resolve(reference: string): Promise<Descriptor | undefined>;
  /** A manifest by tag or digest, verified against its digest. */
  fetchManifest(reference: string): Promise<FetchedManifest>;
  /** A blob, verified against its digest (and size when the descriptor has one). */
  fetchBlob(descriptor: Descriptor | string): Promise<Uint8Array>;
  /** Stores a manifest (blob.descriptor.mediaType is its type) under a tag or its digest. */
  pushManifest(reference: string, manifest: Blob): Promise<Descriptor>;
}

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Uint8Array;
  /** Parsed; only image manifests have `layers`. */
  manifest: ImageManifest | { schemaVersion: number; mediaType?: string; manifests?: Descriptor[] };
}
