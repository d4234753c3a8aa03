import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { Secret } from "../config/index.js";

/** A user name and password for one registry; the password is a Secret and never printed. */
export interface Credential {
  username: string;
  password: Secret;
  /** Where it came from, for messages: "REGISTRY_USER", "/root/.docker/config.json". */
  source: string;
}

/** The credential for a registry host, or undefined to go anonymous. */
export type CredentialLookup = (registry: string) => Credential | undefined;

export const ANONYMOUS: CredentialLookup = () => undefined;

/** ~/.docker/config.json, or $DOCKER_CONFIG/config.json as the docker CLI reads it. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), ".docker"), "config.json");
}

/**
 * Credentials, each only for the host it was given for (as docker keys them by host): for
 * `registry` (REGISTRY_URL's host[:port]), REGISTRY_USER/REGISTRY_PASSWORD when given; for any
 * host, the docker config's `auths` entry for exactly that host; else none. A redirect or an
 * upload Location on another host therefore gets no credential it was not given for.
 * credsStore/credHelpers (external docker-credential-* programs) are not consulted.
 */
export function createCredentialLookup(o: { registry: string; user?: string; password?: Secret; dockerConfig?: string }): CredentialLookup {
  const fixed: Credential | undefined = o.user !== undefined ? { username: o.user, password: o.password ?? new Secret(""), source: "REGISTRY_USER" } : undefined;
  const path = o.dockerConfig ?? dockerConfigPath();
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = undefined;
  }
  const own = normalizeHost(o.registry);
  return (host) => (fixed && normalizeHost(host) === own ? fixed : text === undefined ? undefined : dockerConfigCredential(text, host, path));
}

/**
 * The `auths` entry for `registry` in a docker config.json text: its base64 "user:password"
 * `auth`, or `username` and `password`. Keys may carry a scheme and a path
 * ("https://index.docker.io/v1/"); docker.io matches the index.docker.io key as docker does.
 */
export function dockerConfigCredential(configJson: string, registry: string, source = "docker config"): Credential | undefined {
  let auths: Record<string, { auth?: string; username?: string; password?: string }>;
  try {
    auths = (JSON.parse(configJson) as { auths?: typeof auths }).auths ?? {};
  } catch {
    return undefined;
  }
  const wanted = normalizeHost(registry);
  const entry = Object.entries(auths).find(([key]) => normalizeHost(key) === wanted)?.[1];
  if (!entry) return undefined;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    return { username: decoded.slice(0, colon), password: new Secret(decoded.slice(colon + 1)), source };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: new Secret(entry.password), source };
  return undefined;
}

function normalizeHost(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "").toLowerCase();
  return host === "docker.io" || host === "registry-1.docker.io" ? "index.docker.io" : host;
}
