import { pushComponents, type PushItem, type PushOptions, type PushReport } from "../oci/index.js";
import type { RenderedTask } from "../render/index.js";

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
