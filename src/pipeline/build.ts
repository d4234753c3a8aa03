import type { BuildEvent, TaskBuildResult, Toolchain, ToolchainChoice } from "../build/index.js";
import type { RenderedProject } from "../render/index.js";

/** How to pick the toolchain (src/build/pick-toolchain.ts). */
export interface ToolchainSelection {
  choice: ToolchainChoice;
  /** false: TinyGo from PATH instead of the pinned container. */
  container: boolean;
  /** The components run on the embedded host, which keeps its instances: no pre-initialisation. */
  forLocalHost: boolean;
}

export interface BuildStageOptions {
  /** What to pick, or a toolchain already picked (a long-lived caller keeps one: its fingerprint and image lookup are cached). */
  toolchain: ToolchainSelection | Toolchain;
  parallel: number;
  signal?: AbortSignal;
  onEvent?: (e: BuildEvent) => void;
}

/** Builds every rendered task with one toolchain choice: the build stage of the CLI and of the daemon's toolbox. */
export async function buildTasks(rendered: RenderedProject, genDir: string, o: BuildStageOptions): Promise<TaskBuildResult[]> {
  // Loaded on use: the build stage pulls in jco and binaryen, which other stages never need.
  const { buildProject, downloadModules, pickToolchain } = await import("../build/index.js");
  const toolchain = "choice" in o.toolchain ? await pickToolchain(o.toolchain.choice, { container: o.toolchain.container, preinitialize: !o.toolchain.forLocalHost }) : o.toolchain;
  const modCache = await downloadModules(rendered.project.dir, rendered.project.goModules, o.signal);
  return buildProject(rendered, genDir, { toolchain, parallel: o.parallel, ...(o.signal ? { signal: o.signal } : {}), ...(o.onEvent ? { onEvent: o.onEvent } : {}), ...(modCache ? { modCache } : {}) });
}
