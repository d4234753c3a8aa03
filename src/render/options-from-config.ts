import type { ResolvedConfig } from "../config/index.js";
import type { RenderOptions } from "./render-project.js";
import { BUILTIN_PROVIDER_IMAGES, DEFAULT_PROVIDER_IMAGES } from "./templates.js";
import { postgresProviderImage } from "../postgres-provider.js";

/** What rendering needs from the resolved configuration; the CLI and the daemon both render with it. */
export function renderOptionsFrom(config: ResolvedConfig): RenderOptions {
  // The providers' NATS is its own setting: the URL pelatod connects with may carry credentials,
  // and a manifest is read by wadm and every host.
  return {
    registry: config.registry.url,
    httpPort: config.httpPort,
    providers: { ...(config.providers === "builtin" ? BUILTIN_PROVIDER_IMAGES : DEFAULT_PROVIDER_IMAGES), postgres: postgresProviderImage(config.registry.url) },
    ...(config.providerNatsUrl !== undefined ? { clusterUri: config.providerNatsUrl } : {}),
  };
}
