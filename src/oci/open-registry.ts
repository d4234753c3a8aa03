import type { RegistrySettings } from "../config/index.js";
import type { ClientStackOptions } from "./client.js";
import { createCredentialLookup } from "./credentials.js";
import { Registry } from "./registry.js";

export type { RegistrySettings };

/** A Registry for `host` with the credentials the settings (or ~/.docker/config.json) give. */
export function openRegistry(host: string, s: RegistrySettings, o: Omit<ClientStackOptions, "credential"> & { dockerConfig?: string } = {}): Registry {
  const credential = createCredentialLookup({
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(o.dockerConfig !== undefined ? { dockerConfig: o.dockerConfig } : {}),
  });
  return new Registry({ ...o, registry: host, plainHttp: s.insecure, credential });
}
