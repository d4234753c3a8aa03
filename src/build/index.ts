export { buildProject, readBuildRecord, BUILD_DIR, type BuildRecord, type BuildEvent, type BuildOptions, type TaskBuildResult } from "./build-project.js";
export { ComponentCache, sha256 } from "./cache.js";
export { CompileError } from "./errors.js";
export { GoToolchain, compilerStats } from "./go-toolchain.js";
export { TinygoToolchain, tinygoStats, type TinygoOptions } from "./tinygo-toolchain.js";
export { findTinygoImage, tinygoImageTag, type ContainerEngine } from "./tinygo-image.js";
export { TOOLCHAIN_CHOICES, TOOLCHAIN_NAMES, type Toolchain, type ToolchainChoice, type ToolchainName } from "./toolchain.js";
export { componentize, WIT_DIR } from "./componentize.js";
export { pickToolchain, type ToolchainPick } from "./pick-toolchain.js";
