import { PROJECT_ANNOTATION } from "../render/index.js";
import { projectApplications, removeApplications, type WadmClient } from "../wadm/index.js";
import { readDeployed } from "./deployed-record.js";

/**
 * Undeploys and deletes applications from wadm: those named, and with `project` every one its
 * manifests annotate as that project's. Returns the names removed.
 */
export async function removeFromLattice(wadm: WadmClient, o: { names?: readonly string[]; project?: string }): Promise<string[]> {
  const names = new Set(o.names ?? []);
  if (o.project !== undefined) for (const n of await projectApplications(wadm, o.project, PROJECT_ANNOTATION)) names.add(n);
  return removeApplications(wadm, [...names]);
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
 * `originalNames` (the tasks' `name`s, which the original PELATO gave its applications), those
 * that exist without pelatod's annotation.
 */
export async function findProjectApplications(wadm: WadmClient, o: { projectDir: string; project: string; daemonVersions: ReadonlyMap<string, string>; originalNames?: readonly string[] }): Promise<ProjectFinding> {
  const recorded = readDeployed(o.projectDir, wadm.lattice);
  const apps = new Set<string>();
  const original: string[] = [];
  const originals = new Set(o.originalNames ?? []);
  for (const model of await wadm.list()) {
    const manifest = await wadm.get(model.name).catch(() => undefined);
    const owner = manifest?.metadata.annotations?.[PROJECT_ANNOTATION];
    if (owner === o.project || (owner !== undefined && recorded.get(model.name) === owner) || (owner !== undefined && o.daemonVersions.get(model.name) === manifest?.metadata.annotations.version)) apps.add(model.name);
    else if (owner === undefined && originals.has(model.name)) original.push(model.name);
  }
  return { apps: [...apps].sort(), original: original.sort() };
}
