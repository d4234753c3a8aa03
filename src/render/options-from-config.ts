import type { ResolvedConfig } from "../config/index.js";
import type { RenderOptions } from "./render-project.js";
import { BUILTIN_PROVIDER_IMAGES, DEFAULT_PROVIDER_IMAGES } from "./templates.js";

/** What rendering needs from the resolved configuration; the CLI and the daemon both render with it. */
export function renderOptionsFrom(config: ResolvedConfig): RenderOptions {
  // Providers follow pelatod's NATS only when the user pointed it somewhere; otherwise they use their host's.
  const natsConfigured = ["NATS_HOST", "NATS_PORT", "NATS_URL"].some((v) => config.sources[v] !== "default");
  return {
    registry: config.registry.url,
    httpPort: config.httpPort,
    providers: { ...(config.providers === "builtin" ? BUILTIN_PROVIDER_IMAGES : DEFAULT_PROVIDER_IMAGES) },
    ...(natsConfigured ? { clusterUri: config.nats.servers[0]! } : {}),
  };
}
