import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { SettingSources } from "./sources.js";
import { InputError } from "../errors.js";
import { TOOLCHAIN_CHOICES, type ToolchainChoice } from "./choices.js";

// The daemon's own settings (watch, serve), resolved like the rest of the configuration (flags >
// environment > the project's .env > defaults), from the same .env reader.

// An editor's save (temporary file, rename, chmod) lands within a few ms; should a burst still
// be split, the plan of its first part is superseded by the next, and its build cancelled.
export const DEFAULT_DEBOUNCE_MS = 20;
/** How long the build worker (jco, binaryen, the push client) outlives its last job. */
export const DEFAULT_BUILD_IDLE_S = 60;
export const DEFAULT_METRICS_ADDR = "127.0.0.1:9464";
export const DEFAULT_REPLAY_WINDOW_S = 30;
/** Requests per minute per key, and the burst a key may spend at once. */
export const DEFAULT_SERVE_RATE = 30;
export const DEFAULT_SERVE_BURST = 5;

/** A token bucket per key: `burst` requests at once, refilled at `perSecond`. */
export interface RatePolicy {
  burst: number;
  perSecond: number;
}

export interface DaemonFlags {
  debounce?: string;
  /** host:port on loopback, or "off". */
  metrics?: string;
  instance?: string;
  allowKey?: string[];
  toolchain?: string;
  /** false with --no-container: a `tinygo` on PATH instead of the pinned container. */
  container?: boolean;
}

export interface DaemonSettings {
  /** How tasks are compiled (--toolchain, PELATO_TOOLCHAIN): the same choice as the CLI's. Default: auto. */
  toolchain: ToolchainChoice;
  /** false: TinyGo from PATH rather than the pinned container (--no-container). */
  container: boolean;
  /** Quiet time after the last edit before a plan runs (PELATO_DEBOUNCE_MS). Default: 20 ms. */
  debounceMs: number;
  /** The build worker ends this long after its last job, giving its memory back (PELATO_BUILD_IDLE_S). Default: 60 s. */
  buildIdleMs: number;
  /** /metrics and /healthz (PELATO_METRICS); undefined when "off". Default: 127.0.0.1:9464. */
  metrics?: { host: string; port: number };
  /** Subject token of this daemon's service: pelato.<instance>.<endpoint> (PELATO_INSTANCE). Default: the host name. */
  instance: string;
  /** Public user nkeys allowed to call the service (PELATO_SERVE_KEYS, PELATO_SERVE_KEYS_FILE). */
  allowedKeys: Set<string>;
  /** How far a request's timestamp may be from the daemon's clock (PELATO_REPLAY_WINDOW_S). Default: 30 s. */
  replayWindowMs: number;
  /** Per key (PELATO_SERVE_RATE, requests per minute). Default: 30 per minute, 5 at once. */
  rate: RatePolicy;
}

export function resolveDaemonSettings(projectDir: string, flags: DaemonFlags = {}, env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  const read = new SettingSources(projectDir, env);
  const problems = read.problems;
  const raw = (name: string, flag?: string): string | undefined => read.raw(name, flag);
  const fail = (name: string, message: string) => read.fail(name, message);
  const int = (name: string, value: string | undefined, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) fail(name, `"${value}" is not a whole number >= ${min}`);
    return n;
  };

  const debounceMs = int("PELATO_DEBOUNCE_MS", raw("PELATO_DEBOUNCE_MS", flags.debounce), DEFAULT_DEBOUNCE_MS, 0);
  const metricsRaw = raw("PELATO_METRICS", flags.metrics) ?? DEFAULT_METRICS_ADDR;
  const metrics = metricsRaw === "off" ? undefined : parseLoopback(metricsRaw);
  if (metricsRaw !== "off" && !metrics) fail("PELATO_METRICS", `"${metricsRaw}" is not a loopback host:port (127.0.0.1:9464, [::1]:9464) or off`);
  const instance = raw("PELATO_INSTANCE", flags.instance) ?? defaultInstance();
  if (!/^[A-Za-z0-9_-]+$/.test(instance)) fail("PELATO_INSTANCE", `"${instance}" is not a subject token (letters, digits, '-', '_')`);

  const keys = [...(flags.allowKey ?? []), ...splitKeys(raw("PELATO_SERVE_KEYS"))];
  const keysFile = raw("PELATO_SERVE_KEYS_FILE");
  if (keysFile) {
    try {
      keys.push(...splitKeys(readFileSync(keysFile, "utf8").replace(/#.*$/gm, "")));
    } catch {
      fail("PELATO_SERVE_KEYS_FILE", `cannot read ${keysFile}`);
    }
  }
  // An entry is never echoed: a seed pasted by mistake is a secret.
  keys.forEach((k, i) => {
    if (/^U[A-Z2-7]{55}$/.test(k)) return;
    if (k.startsWith("S")) fail("PELATO_SERVE_KEYS", `entry ${i + 1} is an nkey seed, which is secret: give its public key (U…) instead, and keep the seed to the one who signs`);
    else fail("PELATO_SERVE_KEYS", `entry ${i + 1} is not a public user nkey (U followed by 55 base32 characters)`);
  });

  const toolchainRaw = raw("PELATO_TOOLCHAIN", flags.toolchain) ?? "auto";
  if (!(TOOLCHAIN_CHOICES as readonly string[]).includes(toolchainRaw)) fail("PELATO_TOOLCHAIN", `"${toolchainRaw}" is not one of ${TOOLCHAIN_CHOICES.join(", ")}`);
  const buildIdleS = int("PELATO_BUILD_IDLE_S", raw("PELATO_BUILD_IDLE_S"), DEFAULT_BUILD_IDLE_S, 0);
  const windowS = int("PELATO_REPLAY_WINDOW_S", raw("PELATO_REPLAY_WINDOW_S"), DEFAULT_REPLAY_WINDOW_S, 1);
  const perMinute = int("PELATO_SERVE_RATE", raw("PELATO_SERVE_RATE"), DEFAULT_SERVE_RATE, 1);
  if (problems.length > 0) throw new InputError(problems);
  return {
    toolchain: toolchainRaw as ToolchainChoice,
    container: flags.container ?? true,
    debounceMs,
    buildIdleMs: buildIdleS * 1000,
    ...(metrics ? { metrics } : {}),
    instance,
    allowedKeys: new Set(keys),
    replayWindowMs: windowS * 1000,
    rate: { burst: Math.min(DEFAULT_SERVE_BURST, perMinute), perSecond: perMinute / 60 },
  };
}

/** host:port where host is a loopback address: the endpoints are for a local scraper only. */
export function parseLoopback(addr: string): { host: string; port: number } | undefined {
  const m = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]):(\d{1,5})$/.exec(addr.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  return port <= 65535 ? { host: m[1] === "[::1]" ? "::1" : m[1]!, port } : undefined;
}

function splitKeys(s: string | undefined): string[] {
  return (s ?? "").split(/[\s,]+/).map((k) => k.trim()).filter(Boolean);
}

function defaultInstance(): string {
  return hostname().replace(/[^A-Za-z0-9_-]/g, "_") || "default";
}
