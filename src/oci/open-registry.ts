import type { RegistrySettings } from "../config/index.js";
import type { ClientStackOptions } from "./client.js";
import { createCredentialLookup } from "./credentials.js";
import { parseRegistryPrefix } from "./reference.js";
import { Registry } from "./registry.js";
import { DEFAULT_RETRY_POLICY } from "./retry.js";

export type { RegistrySettings };

/**
 * A Registry for `host` with the credentials the settings give (REGISTRY_USER for REGISTRY_URL's
 * host only) or ~/.docker/config.json gives for a host, and the token hosts the user allows.
 */
export function openRegistry(host: string, s: RegistrySettings, o: Omit<ClientStackOptions, "credential" | "tokenHosts" | "timeoutMs"> & { dockerConfig?: string } = {}): Registry {
  const credential = createCredentialLookup({
    registry: parseRegistryPrefix(s.url).registry,
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(o.dockerConfig !== undefined ? { dockerConfig: o.dockerConfig } : {}),
  });
  const retry = { ...(o.retry ?? DEFAULT_RETRY_POLICY), ...(s.deadlineMs !== undefined ? { deadlineMs: s.deadlineMs } : {}) };
  return new Registry({ ...o, registry: host, plainHttp: s.insecure, credential, tokenHosts: s.tokenHosts ?? [], retry, ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}) });
}
