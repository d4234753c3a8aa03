import { NotFoundError } from "./errors.js";
import { openRegistry, type RegistrySettings } from "./open-registry.js";
import { parseReference } from "./reference.js";

/** An image a manifest references, and the component its one layer must be. */
export interface ExpectedImage {
  image: string;
  /** "sha256:…" of the component built from the current sources; absent: any one-layer artifact (a provider pushed elsewhere). */
  component?: string;
}

/**
 * What is wrong with these images in the registry: absent, or holding another build than the
 * one made from the current sources. Deploy asks this before it sends a manifest, so wadm never
 * schedules a component that hosts cannot pull, or an old build under a new version.
 */
export async function imageProblems(expected: ExpectedImage[], settings: RegistrySettings): Promise<{ problems: string[]; digests: Map<string, string> }> {
  const problems: string[] = [];
  /** image → digest of its manifest in the registry, for the images that are right. */
  const digests = new Map<string, string>();
  const byHost = new Map<string, ExpectedImage[]>();
  for (const e of expected) {
    const host = parseReference(e.image).registry;
    byHost.set(host, [...(byHost.get(host) ?? []), e]);
  }
  for (const [host, images] of byHost) {
    const registry = openRegistry(host, settings);
    try {
      for (const e of images) {
        const ref = parseReference(e.image);
        const fetched = await registry
          .repository(ref.repository)
          .fetchManifest(ref.digest ?? ref.tag ?? "latest")
          .catch((err: unknown) => {
            if (err instanceof NotFoundError) return undefined;
            throw err;
          });
        const layers = fetched && "layers" in fetched.manifest ? fetched.manifest.layers : undefined;
        if (!fetched) problems.push(`${e.image} is not in the registry`);
        else if (e.component !== undefined && layers?.[0]?.digest !== e.component) problems.push(`${e.image} holds another build than the current sources (${layers?.[0]?.digest ?? "no layer"}, built ${e.component})`);
        else digests.set(e.image, fetched.descriptor.digest);
      }
    } finally {
      await registry.close();
    }
  }
  return { problems, digests };
}
