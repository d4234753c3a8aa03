import { createHash } from "node:crypto";
import type { Manifest } from "./types.js";

/**
 * The manifest wadm gets: each component's image pinned to the registry digest it was pushed
 * as (`repo:tag@sha256:…`), so hosts pull exactly that build even when a tag is reused, and a
 * version that changes whenever the pinned content does.
 */
export function pinManifest(manifest: Manifest, digests: ReadonlyMap<string, string>): Manifest {
  const pinned = structuredClone(manifest);
  const components = pinned.spec.components;
  for (const c of components) {
    if (c.type !== "component" || !c.properties.image) continue;
    const digest = digests.get(c.properties.image.split("@")[0]!);
    if (digest) c.properties.image = `${c.properties.image.split("@")[0]}@${digest}`;
  }
  const rendered = manifest.metadata.annotations.version;
  const base = rendered.replace(/-[0-9a-f]{10}$/, "");
  const hash = createHash("sha256").update(rendered).update(JSON.stringify(components)).digest("hex").slice(0, 10);
  pinned.metadata.annotations.version = `${base}-${hash}`;
  return pinned;
}
