import type { WasmArtifact } from "./artifact.js";
import type { Blob, Descriptor } from "./media-types.js";
import type { Target } from "./target.js";

export interface PushOutcome {
  manifest: Descriptor;
  /** Blobs whose bytes were sent. */
  uploaded: number;
  /** Blobs linked from another repository of the registry without sending bytes. */
  mounted: number;
  /** Blobs the target already had. */
  existed: number;
  bytesUploaded: number;
}

/** Where a blob already is in the same registry, for a cross-repository mount. */
export type MountSource = (digest: string) => string | undefined;

/**
 * Copies an artifact into a target, as oras-go's Copy does: blobs first (each one skipped when
 * the target has it, mounted when another repository does), the manifest last, so that a tag
 * never points at a manifest whose blobs are missing.
 */
export async function pushArtifact(target: Target, artifact: WasmArtifact, tag: string, mountFrom: MountSource = () => undefined): Promise<PushOutcome> {
  const outcome: PushOutcome = { manifest: artifact.manifest.descriptor, uploaded: 0, mounted: 0, existed: 0, bytesUploaded: 0 };
  await Promise.all([artifact.layer, artifact.config].map((b) => pushBlobOnce(target, b, mountFrom, outcome)));
  await target.pushManifest(tag, artifact.manifest);
  return outcome;
}

async function pushBlobOnce(target: Target, blob: Blob, mountFrom: MountSource, outcome: PushOutcome): Promise<void> {
  if (await target.blobExists(blob.descriptor.digest)) {
    outcome.existed++;
    return;
  }
  const from = mountFrom(blob.descriptor.digest);
  const how = await target.pushBlob(blob, from !== undefined ? { mountFrom: from } : {});
  if (how === "mounted") {
    outcome.mounted++;
  } else {
    outcome.uploaded++;
    outcome.bytesUploaded += blob.bytes.length;
  }
}
