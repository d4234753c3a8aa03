export { resolveConfig, DEFAULT_REGISTRY, DEFAULT_LATTICE, type ConfigFlags, type RegistrySettings, type ResolvedConfig } from "./load.js";
export { Secret } from "./secret.js";
