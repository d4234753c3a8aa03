import { PROJECT_ANNOTATION } from "../render/index.js";
import { projectApplications, removeApplications, type WadmClient } from "../wadm/index.js";

/**
 * Undeploys and deletes applications from wadm: those named, and with `project` every one its
 * manifests annotate as that project's. Returns the names removed.
 */
export async function removeFromLattice(wadm: WadmClient, o: { names?: readonly string[]; project?: string }): Promise<string[]> {
  const names = new Set(o.names ?? []);
  if (o.project !== undefined) for (const n of await projectApplications(wadm, o.project, PROJECT_ANNOTATION)) names.add(n);
  return removeApplications(wadm, [...names]);
}
