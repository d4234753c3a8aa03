import { pushComponents, type PushItem, type PushOptions, type PushReport } from "../oci/index.js";
import type { RenderedProject } from "../render/index.js";

export interface BuiltComponent {
  component: string;
  wasm: string;
  digest: string;
}

/** Each built component under its task's version: the tag the rendered wadm manifests reference. */
function pushItems(rendered: RenderedProject, built: readonly BuiltComponent[]): PushItem[] {
  const tasks = new Map(rendered.tasks.map((t) => [t.dir, t]));
  return built.map((r) => ({ component: r.component, wasm: r.wasm, digest: r.digest, tag: tasks.get(r.component)!.task.version }));
}

/** Pushes built components to the registry (to the project's OCI layout without one), each under its task's version. */
export function pushBuilt(rendered: RenderedProject, built: readonly BuiltComponent[], o: PushOptions): Promise<PushReport> {
  return pushComponents(pushItems(rendered, built), o);
}
