import type { RegistrySettings } from "../config/index.js";
import type { ClientStackOptions } from "./client.js";
import { createCredentialLookup } from "./credentials.js";
import { parseRegistryPrefix } from "./reference.js";
import { Registry } from "./registry.js";

export type { RegistrySettings };

/**
 * A Registry for `host` with the credentials the settings give (REGISTRY_USER for REGISTRY_URL's
 * host only) or ~/.docker/config.json gives for a host, and the token hosts the user allows.
 */
export function openRegistry(host: string, s: RegistrySettings, o: Omit<ClientStackOptions, "credential" | "tokenHosts"> & { dockerConfig?: string } = {}): Registry {
  const credential = createCredentialLookup({
    registry: parseRegistryPrefix(s.url).registry,
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(o.dockerConfig !== undefined ? { dockerConfig: o.dockerConfig } : {}),
  });
  return new Registry({ ...o, registry: host, plainHttp: s.insecure, credential, tokenHosts: s.tokenHosts ?? [] });
}
