import type { ResolvedConfig } from "../config/index.js";
import { renderOptionsFrom, renderProject, type RenderedProject } from "../render/index.js";
import { loadProject, type Project } from "../workflow/index.js";

/** Loads workflow.yaml and its tasks (InputError with file:line:col when they are wrong) and renders each task's Go project and manifest; render's writeGen writes them. */
export async function loadAndRender(dir: string, config: ResolvedConfig): Promise<{ project: Project; rendered: RenderedProject }> {
  const project = await loadProject(dir, config.sites ? { tiers: config.sites.map((s) => s.tier) } : {});
  return { project, rendered: await renderProject(project, renderOptionsFrom(config)) };
}
