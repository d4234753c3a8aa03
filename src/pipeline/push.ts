import type { RegistrySettings } from "../config/index.js";
import { pushComponents, pushProviderArchive, type PushEvent, type PushItem, type PushOptions, type PushReport, type TaskPushResult } from "../oci/index.js";
import { POSTGRES_PROVIDER_REPOSITORY, postgresProviderArchive, postgresProviderTag } from "../postgres-provider.js";
import type { RenderedTask } from "../render/index.js";
import type { Project } from "../workflow/index.js";
import { postgresTasks } from "./sinks.js";

export interface BuiltComponent {
  component: string;
  wasm: string;
  digest: string;
}

/** What pushing needs of a rendered task: its folder (the component) and its version (the tag). */
export type PushedTask = Pick<RenderedTask, "dir" | "task">;

/** Each built component under its task's version: the tag the rendered wadm manifests reference. */
function pushItems(tasks: readonly PushedTask[], built: readonly BuiltComponent[]): PushItem[] {
  const byDir = new Map(tasks.map((t) => [t.dir, t]));
  return built.map((r) => ({ component: r.component, wasm: r.wasm, digest: r.digest, tag: byDir.get(r.component)!.task.version }));
}

/** Pushes built components to the registry (to the project's OCI layout without one), each under its task's version. */
export function pushBuilt(tasks: readonly PushedTask[], built: readonly BuiltComponent[], o: PushOptions): Promise<PushReport> {
  return pushComponents(pushItems(tasks, built), o);
}

/**
 * pelatod's PostgreSQL provider, pushed to the registry the project's hosts pull from, when the
 * project has postgres tasks and a registry (the embedded default needs no image).
 */
export async function pushPostgresProvider(project: Project, registry: RegistrySettings, o: { onEvent?: (e: PushEvent) => void; onProgress?: (line: string) => void } = {}): Promise<TaskPushResult | undefined> {
  if (!registry.configured || postgresTasks(project).length === 0) return undefined;
  const par = await postgresProviderArchive(o.onProgress);
  return pushProviderArchive(par, POSTGRES_PROVIDER_REPOSITORY, postgresProviderTag(), { registry, ...(o.onEvent ? { onEvent: o.onEvent } : {}) });
}
