// The pipeline's stages, as the CLI's commands and the daemon's cycle both run them: render
// (src/render), build with one toolchain choice, push, pin and deploy. No output of their own:
// callers pass callbacks for progress.
export { buildTasks, type BuildStageOptions, type ToolchainSelection } from "./build.js";
export { pushItems } from "./push.js";
export { deployAndWait, pinnedManifests, requireImages, type DeployStageOptions } from "./deploy.js";
