import { buildProject, ComponentCache, downloadModules, GoToolchain, type TaskBuildResult, type Toolchain } from "../../src/build/index.js";
import { renderProject, writeGen } from "../../src/render/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { RENDER_OPTIONS } from "./fixtures.js";

/** load → render → write gen/ → build with the real go toolchain; throws if any task fails. */
export async function buildDir(dir: string, cache?: ComponentCache, toolchain: Toolchain = new GoToolchain()): Promise<Map<string, TaskBuildResult & { ok: true }>> {
  const results = await buildAll(dir, cache, toolchain);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(failed.map((r) => (r.ok ? "" : `${r.component}: ${r.error.message}`)).join("\n"));
  return new Map(results.map((r) => [r.component, r as TaskBuildResult & { ok: true }]));
}

export async function buildAll(dir: string, cache?: ComponentCache, toolchain: Toolchain = new GoToolchain()): Promise<TaskBuildResult[]> {
  const rendered = await renderProject(await loadProject(dir), RENDER_OPTIONS);
  const genDir = writeGen(rendered);
  const modCache = await downloadModules(rendered.project.dir, rendered.project.goModules);
  return buildProject(rendered, genDir, { toolchain, parallel: 2, ...(cache ? { cache } : {}), ...(modCache ? { modCache } : {}) });
}
