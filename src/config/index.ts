export { resolveConfig, DEFAULT_REGISTRY, DEFAULT_LATTICE, type ConfigFlags, type RegistrySettings, type ResolvedConfig } from "./load.js";
export { Secret } from "./secret.js";
export { resolveDaemonSettings, parseLoopback, DEFAULT_DEBOUNCE_MS, DEFAULT_METRICS_ADDR, type DaemonFlags, type DaemonSettings } from "./daemon-settings.js";
export { readDotenv } from "./dotenv.js";
