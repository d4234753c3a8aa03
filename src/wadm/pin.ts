import { createHash } from "node:crypto";
import { versionConfigNames } from "../render/index.js";
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
    if (!c.properties.image) continue;
    const digest = digests.get(c.properties.image.split("@")[0]!);
    if (!digest) continue;
    c.properties.image = `${c.properties.image.split("@")[0]}@${digest}`;
    if (c.type === "capability") continue; // a provider pushed by pelatod (postgres): pinned, same id
    // A new image is a new component: a wasmCloud host will not change the image of a running
    // component ("scaled but the image reference will not be updated"), and wadm, when the new
    // version's scaler reaches it before the old one's cleanup, waits for that forever.
    c.properties.id = `${idPart(manifest.metadata.name)}-${idPart(c.name)}-${digest.replace(/^sha256:/, "").slice(0, 12)}`;
  }
  const rendered = manifest.metadata.annotations.version;
  const base = rendered.replace(/-[0-9a-f]{10}$/, "");
  const hash = createHash("sha256").update(rendered).update(JSON.stringify(components)).digest("hex").slice(0, 10);
  pinned.metadata.annotations.version = `${base}-${hash}`;
  // Two builds of the same sources (go, then tinygo) are two versions: their configs too.
  versionConfigNames(pinned.spec.components, hash);
  return pinned;
}

/** wadm's own rule for the parts of a component id (lower case, anything else than a-z0-9 as `_`). */
function idPart(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "_");
}
