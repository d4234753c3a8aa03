import { dirname, isAbsolute, resolve } from "node:path";
import { availableParallelism } from "node:os";
import { SettingSources, type ConfigSource } from "./sources.js";
import { InputError } from "../errors.js";
import { isLoopbackHost } from "../loopback.js";
import { Secret } from "./secret.js";
import { parseSites, type Site } from "../sites.js";
import { PelatoError } from "../errors.js";

/** What the command line may set; anything left out comes from the environment, `.env` or defaults. */
export interface ConfigFlags {
  registry?: string;
  lattice?: string;
  parallel?: string;
  natsHost?: string;
  natsPort?: string;
  natsUrl?: string;
  timeout?: string;
}

export type { ConfigSource };

/** The registry of component images (REGISTRY_URL, REGISTRY_USER, REGISTRY_PASSWORD), as every stage takes it. */
export interface RegistrySettings {
  /** host[:port][/namespace], without scheme. Default: localhost:5000. */
  url: string;
  /** False when REGISTRY_URL was set nowhere: push then writes an OCI layout instead. */
  configured: boolean;
  /** Plain http: set by an http:// scheme or for loopback hosts. */
  insecure: boolean;
  user?: string;
  password?: Secret;
  /** REGISTRY_TOKEN_HOSTS: token services on other hosts than the registry's that may receive its credentials. */
  tokenHosts?: string[];
  /** REGISTRY_TIMEOUT_S: connect, headers and body time-out of each request. Default: 30 s. */
  timeoutMs?: number;
  /** REGISTRY_DEADLINE_S: longest one request may take with its retries. Default: 120 s. */
  deadlineMs?: number;
}

export interface ResolvedConfig {
  registry: RegistrySettings;
  /** Builds at once. PARALLEL_BUILD: a number, or True (= cores, the default) / False (= 1). */
  parallelBuild: number;
  nats: NatsSettings;
  /** wadm lattice name. Default: default. */
  lattice: string;
  enableMetrics: boolean;
  /** Capability providers in manifests (PELATO_PROVIDERS): pinned OCI images, or the hosts' builtin ones. Default: images. */
  providers: "images" | "builtin";
  /** Port of the HTTP producers (PELATO_HTTP_PORT). Default: 8000, as the original templates. */
  httpPort: number;
  /**
   * PELATO_PROVIDER_NATS_URL: the NATS the messaging providers connect to (their `cluster_uris`).
   * Default: none, each provider uses its host's. Never NATS_URL, which may carry credentials.
   */
  providerNatsUrl?: string;
  /** PELATO_SITES (`cloud,edge-1:edge,…`): the sites of the lattice, as `lattice up --sites` exports them. */
  sites?: Site[];
  /** DATABASE_URL: the PostgreSQL database of nats_to_postgres tasks. */
  database?: DatabaseSettings;
  sources: Record<string, ConfigSource>;
}

/** How to reach the lattice's NATS; names follow the nats CLI's environment variables. */
export interface NatsSettings {
  host: string;
  port: number;
  /** NATS_URL: comma-separated server URLs; when set, host and port are not used. */
  servers: string[];
  user?: string;
  password?: Secret;
  token?: Secret;
  /** NATS_CREDS: a .creds file (JWT + nkey seed). */
  credsFile?: string;
  /** NATS_NKEY: a file holding an nkey seed. */
  nkeyFile?: string;
  tls?: { ca?: string; cert?: string; key?: string };
  /** NATS_JS_DOMAIN: JetStream domain (a leaf node's, for example). */
  jsDomain?: string;
  /** NATS_TIMEOUT_MS: time-out of each request. Default: 5000. */
  timeoutMs: number;
}

/** DATABASE_URL, a libpq URI (postgresql://user:password@host:port/database); the whole URL is a secret. */
export interface DatabaseSettings {
  url: Secret;
  /** The URL without its password, for messages: postgresql://host:port/database (user name). */
  display: string;
}

export const DEFAULT_REGISTRY = "localhost:5000";
export const DEFAULT_NATS_TIMEOUT_MS = 5000;
export const DEFAULT_NATS_HOST = "127.0.0.1";
export const DEFAULT_NATS_PORT = 4222;
export const DEFAULT_LATTICE = "default";
export const DEFAULT_HTTP_PORT = 8000;

const FLAG_FOR: Record<string, keyof ConfigFlags> = {
  REGISTRY_URL: "registry",
  PELATO_LATTICE: "lattice",
  PARALLEL_BUILD: "parallel",
  NATS_HOST: "natsHost",
  NATS_PORT: "natsPort",
  NATS_URL: "natsUrl",
  NATS_TIMEOUT_MS: "timeout",
};

/** Resolves configuration once, in the order flags > environment > project `.env` > defaults. */
export function resolveConfig(projectDir: string, flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const read = new SettingSources(projectDir, env);
  const { sources, problems } = read;
  const raw = (name: string): string | undefined => {
    const flag = FLAG_FOR[name];
    return read.raw(name, flag ? flags[flag] : undefined);
  };
  const fail = (name: string, message: string) => read.fail(name, message);

  const registryRaw = raw("REGISTRY_URL");
  const registry = parseRegistry(registryRaw ?? DEFAULT_REGISTRY);
  // A user name or password in the URL is never echoed: the message names the variables for them.
  if (!registry && registryRaw?.includes("@")) fail("REGISTRY_URL", "holds a user name or password (user@host): give them as REGISTRY_USER and REGISTRY_PASSWORD, and REGISTRY_URL as host[:port][/namespace]");
  else if (!registry) fail("REGISTRY_URL", `"${registryRaw}" is not a registry address (host[:port][/namespace])`);
  const user = raw("REGISTRY_USER");
  const password = raw("REGISTRY_PASSWORD");
  const tokenHostsRaw = raw("REGISTRY_TOKEN_HOSTS");
  const tokenHosts = tokenHostsRaw?.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  const badTokenHost = tokenHosts?.find((h) => !/^[a-z0-9.-]+$/.test(h));
  if (badTokenHost !== undefined) fail("REGISTRY_TOKEN_HOSTS", `"${badTokenHost}" is not a host name (a comma-separated list of them, without scheme or port)`);
  const seconds = (name: string, max: number): number | undefined => {
    const v = raw(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > max) return void fail(name, `"${v}" is not a whole number of seconds from 1 to ${max}`);
    return Number(v) * 1000;
  };
  const registryTimeoutMs = seconds("REGISTRY_TIMEOUT_S", 3600);
  const registryDeadlineMs = seconds("REGISTRY_DEADLINE_S", 86_400);

  const parallelRaw = raw("PARALLEL_BUILD");
  const parallelBuild = parseParallel(parallelRaw);
  if (parallelBuild === undefined) fail("PARALLEL_BUILD", `"${parallelRaw}" is not a number of builds, True or False`);

  const portRaw = raw("NATS_PORT");
  const port = portRaw === undefined ? DEFAULT_NATS_PORT : Number(portRaw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail("NATS_PORT", `"${portRaw}" is not a port number (1-65535)`);
  const host = raw("NATS_HOST") ?? DEFAULT_NATS_HOST;
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) fail("NATS_HOST", `"${host}" is not a host name or address`);

  const httpPortRaw = raw("PELATO_HTTP_PORT");
  const httpPort = httpPortRaw === undefined ? DEFAULT_HTTP_PORT : Number(httpPortRaw);
  if (!Number.isInteger(httpPort) || httpPort < 1 || httpPort > 65535) fail("PELATO_HTTP_PORT", `"${httpPortRaw}" is not a port number (1-65535)`);
  const providerNatsUrl = raw("PELATO_PROVIDER_NATS_URL");
  if (providerNatsUrl?.includes("@")) fail("PELATO_PROVIDER_NATS_URL", "holds credentials (user@host): a manifest is no place for them; give the providers theirs through wasmCloud's secrets");
  else if (providerNatsUrl !== undefined && !/^(nats|tls|wss?):\/\/[A-Za-z0-9.[\]:-]+(,(nats|tls|wss?):\/\/[A-Za-z0-9.[\]:-]+)*$/.test(providerNatsUrl)) fail("PELATO_PROVIDER_NATS_URL", `"${providerNatsUrl}" is not a NATS URL (nats://host:port, comma-separated)`);

  const sitesRaw = raw("PELATO_SITES");
  let sites: Site[] | undefined;
  try {
    if (sitesRaw !== undefined) sites = parseSites(sitesRaw, "PELATO_SITES");
  } catch (err) {
    if (!(err instanceof PelatoError)) throw err;
    fail("PELATO_SITES", err.message.replace(/^PELATO_SITES:? ?/, ""));
  }

  const timeoutRaw = raw("NATS_TIMEOUT_MS");
  const timeoutMs = timeoutRaw === undefined ? DEFAULT_NATS_TIMEOUT_MS : Number(timeoutRaw);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) fail("NATS_TIMEOUT_MS", `"${timeoutRaw}" is not a number of milliseconds`);
  const servers = (raw("NATS_URL") ?? `nats://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`).split(",").map((u) => u.trim()).filter(Boolean);
  const natsPassword = raw("NATS_PASSWORD");
  const natsToken = raw("NATS_TOKEN");
  // A file named in a .env file is relative to that file's folder, as a reader of it expects.
  const path = (name: string): string | undefined => {
    const value = raw(name);
    const source = sources[name];
    return value !== undefined && source !== undefined && !["flag", "environment", "default"].includes(source) && !isAbsolute(value) ? resolve(projectDir, dirname(source), value) : value;
  };
  const tls = { ca: path("NATS_CA"), cert: path("NATS_CERT"), key: path("NATS_KEY") };
  const optional = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const nats: NatsSettings = {
    host,
    port,
    servers,
    timeoutMs,
    ...optional({ user: raw("NATS_USER"), credsFile: path("NATS_CREDS"), nkeyFile: path("NATS_NKEY"), jsDomain: raw("NATS_JS_DOMAIN") }),
    ...(natsPassword !== undefined ? { password: new Secret(natsPassword) } : {}),
    ...(natsToken !== undefined ? { token: new Secret(natsToken) } : {}),
    ...(Object.values(tls).some((v) => v !== undefined) ? { tls: optional(tls) } : {}),
  };

  const providers = raw("PELATO_PROVIDERS") ?? "images";
  if (providers !== "images" && providers !== "builtin") fail("PELATO_PROVIDERS", `"${providers}" is not images or builtin`);

  const lattice = raw("PELATO_LATTICE") ?? DEFAULT_LATTICE;
  if (!/^[A-Za-z0-9_-]+$/.test(lattice)) fail("PELATO_LATTICE", `"${lattice}" is not a lattice name (letters, digits, '-', '_')`);

  const metricsRaw = raw("ENABLE_METRICS");
  const enableMetrics = parseBoolean(metricsRaw ?? "false");
  if (enableMetrics === undefined) fail("ENABLE_METRICS", `"${metricsRaw}" is not True or False`);

  const databaseRaw = raw("DATABASE_URL");
  const database = databaseRaw === undefined ? undefined : parseDatabaseUrl(databaseRaw);
  if (typeof database === "string") fail("DATABASE_URL", database);

  pairCredentials(sources, fail);
  if (problems.length > 0) throw new InputError(problems);
  return {
    registry: {
      url: registry!.url,
      configured: registryRaw !== undefined,
      insecure: registry!.insecure,
      ...(user !== undefined ? { user } : {}),
      ...(password !== undefined ? { password: new Secret(password) } : {}),
      ...(tokenHosts?.length ? { tokenHosts } : {}),
      ...(registryTimeoutMs !== undefined ? { timeoutMs: registryTimeoutMs } : {}),
      ...(registryDeadlineMs !== undefined ? { deadlineMs: registryDeadlineMs } : {}),
    },
    parallelBuild: parallelBuild!,
    nats,
    lattice,
    enableMetrics: enableMetrics!,
    httpPort,
    ...(providerNatsUrl !== undefined ? { providerNatsUrl } : {}),
    ...(sites !== undefined ? { sites } : {}),
    ...(typeof database === "object" ? { database } : {}),
    providers: providers as ResolvedConfig["providers"],
    sources,
  };
}

/**
 * Credentials go only to the server they were written for: one from a `.env` file is used only
 * with a server address from that same file (or from a flag or the environment, which the user
 * chose for this run), never with one another `.env` file set.
 */
function pairCredentials(sources: Record<string, ConfigSource>, fail: (name: string, message: string) => void): void {
  const isFile = (s: ConfigSource | undefined) => s !== undefined && !["flag", "environment", "default"].includes(s);
  const groups: Array<[string[], string[]]> = [
    [["REGISTRY_URL"], ["REGISTRY_USER", "REGISTRY_PASSWORD", "REGISTRY_TOKEN_HOSTS"]],
    [["NATS_URL", "NATS_HOST", "NATS_PORT"], ["NATS_USER", "NATS_PASSWORD", "NATS_TOKEN", "NATS_CREDS", "NATS_NKEY", "NATS_CA", "NATS_CERT", "NATS_KEY"]],
  ];
  for (const [servers, secrets] of groups) {
    const server = servers.map((n) => sources[n]).find((s) => s !== undefined && s !== "default");
    for (const name of secrets) {
      const from = sources[name];
      if (isFile(from) && isFile(server) && from !== server) {
        fail(name, `comes from ${from} but the server it is for (${servers.join("/")}) from ${server}: a credential is used only with the server it was written beside; set both in one file`);
      }
    }
  }
}

/** The shape of a libpq URI, checked without connecting; a problem is described without the value (it may hold a password). */
export function parseDatabaseUrl(value: string): DatabaseSettings | string {
  const shape = "a libpq URI: postgresql://user:password@host:port/database";
  if (!/^postgres(ql)?:\/\//.test(value)) return `is not ${shape} (it must start with postgresql:// or postgres://)`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not ${shape}`;
  }
  if (!url.hostname) return `names no host: ${shape}`;
  if (url.pathname.length <= 1) return `names no database: ${shape}`;
  if (url.port && (Number(url.port) < 1 || Number(url.port) > 65535)) return `has no valid port: ${shape}`;
  // No user@ form: output redacts any userinfo, and the user name helps when the login fails.
  const user = url.username ? ` (user ${decodeURIComponent(url.username)})` : "";
  return { url: new Secret(value), display: `${url.protocol}//${url.host}${url.pathname}${user}` };
}

function parseRegistry(value: string): { url: string; insecure: boolean } | undefined {
  const m = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(:\d{1,5})?(\/[a-z0-9._/-]*)?$/.exec(value.trim());
  if (!m) return undefined;
  const [, scheme, host, port = "", path = ""] = m;
  return { url: `${host}${port}${path.replace(/\/+$/, "")}`, insecure: scheme === "http" || (scheme === undefined && isLoopbackHost(host!)) };
}

function parseParallel(value: string | undefined): number | undefined {
  if (value === undefined) return availableParallelism();
  const b = parseBoolean(value);
  if (b !== undefined) return b ? availableParallelism() : 1;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 256 ? n : undefined;
}

function parseBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  return undefined;
}

