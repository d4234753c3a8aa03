import { databaseConfigName, PROJECT_ANNOTATION } from "../render/index.js";
import { removeSinkConsumers } from "../streams/index.js";
import { deleteNamedConfig, removeApplications, WadmNotFoundError, type WadmClient } from "../wadm/index.js";
import { readDeployed } from "./deployed-record.js";

/**
 * Undeploys and deletes the named applications from wadm, then what a postgres task left in the
 * lattice: its DATABASE_URL config and its sink consumer (and stream, once unread). Returns the
 * names removed.
 */
export async function removeFromLattice(wadm: WadmClient, o: { names: readonly string[]; jsDomain?: string }): Promise<string[]> {
  const names = [...new Set(o.names)];
  // Read before they go: only a postgres task has a config and a consumer of pelatod's to delete.
  const sinks = new Set<string>();
  for (const name of names) if (await writesToPostgres(wadm, name)) sinks.add(name);
  const removed = await removeApplications(wadm, names);
  const removedSinks = removed.filter((n) => sinks.has(n));
  for (const name of removedSinks) await deleteNamedConfig(wadm.nc, wadm.lattice, databaseConfigName(name), wadm.timeoutMs);
  if (removedSinks.length > 0) await removeSinkConsumers(wadm.nc, removedSinks, { timeoutMs: wadm.timeoutMs, ...(o.jsDomain ? { domain: o.jsDomain } : {}) });
  return removed;
}

/** Whether wadm's manifest of the application links a component to a postgres provider. */
async function writesToPostgres(wadm: WadmClient, name: string): Promise<boolean> {
  const manifest = await wadm.get(name).catch((err: unknown) => {
    if (err instanceof WadmNotFoundError) return undefined;
    throw err;
  });
  return (manifest?.spec.components ?? []).some((c) => c.traits.some((t) => t.type === "link" && t.properties.package === "postgres"));
}

export interface ProjectFinding {
  /** The project's applications: by today's project_name, and by what this folder recorded deploying. */
  apps: string[];
  /** With `original`: the applications the original PELATO deployed for these tasks, under their task names. */
  original: string[];
}

/**
 * What this project folder has on the lattice. An application counts when its manifest carries the
 * project annotation with today's project_name; or when `.pelato/` recorded deploying it (by brush
 * or deploy, with the project_name it had then; by the daemon, at the version wadm still holds) and
 * wadm's manifest still says so: a name another project took over since is left alone. With
 * `original` (each task's `name`, which the original PELATO gave its application, and its
 * component_name, the image repository it ran), those without pelatod's annotation that run that
 * image: an application of that name deployed by other means is left alone.
 */
export async function findProjectApplications(wadm: WadmClient, o: { projectDir: string; project: string; daemonVersions: ReadonlyMap<string, string>; original?: ReadonlyArray<{ name: string; component: string }> }): Promise<ProjectFinding> {
  const recorded = readDeployed(o.projectDir, wadm.lattice);
  const apps = new Set<string>();
  const original: string[] = [];
  for (const model of await wadm.list()) {
    const manifest = await wadm.get(model.name).catch((err: unknown) => {
      // Gone between the list and the get: nothing to remove. Anything else must not pass for "not ours".
      if (err instanceof WadmNotFoundError) return undefined;
      throw err;
    });
    const owner = manifest?.metadata.annotations?.[PROJECT_ANNOTATION];
    if (owner === o.project || (owner !== undefined && recorded.get(model.name) === owner) || (owner !== undefined && o.daemonVersions.get(model.name) === manifest?.metadata.annotations.version)) apps.add(model.name);
    else if (manifest && owner === undefined) {
      const task = o.original?.find((t) => t.name === model.name);
      const runsIt = task && manifest.spec.components.some((c) => c.type === "component" && new RegExp(`(^|/)${task.component}[:@]`).test(c.properties.image));
      if (runsIt) original.push(model.name);
    }
  }
  return { apps: [...apps].sort(), original: original.sort() };
}
