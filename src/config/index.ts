export { resolveConfig, parseDatabaseUrl, DEFAULT_REGISTRY, DEFAULT_LATTICE, type ConfigFlags, type DatabaseSettings, type NatsSettings, type RegistrySettings, type ResolvedConfig } from "./load.js";
export { Secret } from "./secret.js";
export { TOOLCHAIN_CHOICES, type ToolchainChoice } from "./choices.js";
export { resolveDaemonSettings, parseLoopback, DEFAULT_DEBOUNCE_MS, DEFAULT_METRICS_ADDR, type DaemonFlags, type DaemonSettings, type RatePolicy } from "./daemon-settings.js";
export { redactUserinfo } from "./redact.js";
