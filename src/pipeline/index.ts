// The pipeline's stages, as the CLI's commands and the daemon's cycle both run them: load and
// render, build with one toolchain choice, push, pin and deploy, remove. No output of their own:
// callers pass callbacks for progress.
export { buildTasks, type BuildStageOptions, type ToolchainSelection } from "./build.js";
export { loadAndRender } from "./render.js";
export { pushBuilt, pushPostgresProvider, type BuiltComponent, type PushedTask } from "./push.js";
export { deployAndWait, pinnedManifests, requireImages, type DeployStageOptions } from "./deploy.js";
export { findProjectApplications, removeFromLattice, type ProjectFinding } from "./remove.js";
export { forgetDeployed, readDeployed, recordDeployed } from "./deployed-record.js";
export { setUpCrossings } from "./crossings.js";
export { setUpSinks, checkTables, postgresTasks, requireDatabase, type SinksSetUp } from "./sinks.js";
