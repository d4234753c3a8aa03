import { readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "./errors.js";

/** One thing a cache holds (a component and its record, a transpiled component's folder). */
export interface CacheEntry {
  name: string;
  paths: string[];
  bytes: number;
  lastUsed: number;
}

/** Entries used this recently stay, whatever the cache's size: a running task may need them. */
export const KEEP_RECENT_MS = 60 * 60 * 1000;
const MB = 1 << 20;

/** Each of pelato's growing caches (components, transpiled components) is kept under this. Default: 1024 MB. */
export function cacheLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.PELATO_CACHE_MAX_MB ?? 1024);
  if (!Number.isInteger(mb) || mb < 0) throw new UsageError(`PELATO_CACHE_MAX_MB: "${env.PELATO_CACHE_MAX_MB}" is not a whole number of megabytes`);
  return mb * MB;
}

/** Which entries go, least recently used first, until the rest fit in `maxBytes`; recent ones never. */
export function entriesToEvict(entries: readonly CacheEntry[], maxBytes: number, now: number, keepMs = KEEP_RECENT_MS): CacheEntry[] {
  let total = entries.reduce((n, e) => n + e.bytes, 0);
  const evict: CacheEntry[] = [];
  for (const e of [...entries].sort((a, b) => a.lastUsed - b.lastUsed)) {
    if (total <= maxBytes || now - e.lastUsed < keepMs) break;
    evict.push(e);
    total -= e.bytes;
  }
  return evict;
}

/** Per cache folder: how many bytes may still be added before it can be over its limit. */
const headroom = new Map<string, number>();

/**
 * Removes least recently used entries of the cache at `dir` once what was added may have taken
 * it over the limit. Listing a big cache costs tens of ms on a slow disk: it is listed the first
 * time in a process and then only when the bytes added since have used up the headroom.
 */
export function pruneWhenGrown(dir: string, added: number, list: () => CacheEntry[], maxBytes = cacheLimitBytes(), now = Date.now()): { entries: number; bytes: number } {
  const left = (headroom.get(dir) ?? -1) - added;
  if (left >= 0) {
    headroom.set(dir, left);
    return { entries: 0, bytes: 0 };
  }
  const entries = list();
  const evict = entriesToEvict(entries, maxBytes, now);
  for (const e of evict) for (const p of e.paths) rmSync(p, { recursive: true, force: true });
  const removed = evict.reduce((n, e) => n + e.bytes, 0);
  headroom.set(dir, maxBytes - (entries.reduce((n, e) => n + e.bytes, 0) - removed));
  return { entries: evict.length, bytes: removed };
}

/** Marks a cache entry used now (its file's mtime is its last use). */
export function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // gone meanwhile: the caller finds out when it reads
  }
}

/** Total size of a file, or of everything under a folder. */
export function sizeOf(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, name) => n + sizeOf(join(path, name)), 0);
}
