import type { PushItem } from "../oci/index.js";
import type { RenderedProject } from "../render/index.js";

/** Each built component under its task's version: the tag the rendered wadm manifests reference. */
export function pushItems(rendered: RenderedProject, results: readonly { component: string; wasm: string; digest: string }[]): PushItem[] {
  const tasks = new Map(rendered.tasks.map((t) => [t.dir, t]));
  return results.map((r) => ({ component: r.component, wasm: r.wasm, digest: r.digest, tag: tasks.get(r.component)!.task.version }));
}
