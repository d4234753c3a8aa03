import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { touch, type CacheEntry } from "../cache-prune.js";
import { cacheDir } from "../paths.js";

/** What produced a cached component; stored beside it. */
export interface CacheRecord {
  key: string;
  digest: string;
  size: number;
  toolchain: string;
  seconds: number;
}

/**
 * Components addressed by a hash of everything that shapes them. Entries are written to a
 * temporary name and renamed, so two pelatod processes building the same key at once both
 * end with one whole file, never a torn one.
 */
export class ComponentCache {
  readonly dir: string;
  constructor(root = join(cacheDir(), "components")) {
    this.dir = root;
  }

  static key(parts: { sourceDigest: string; witDigest: string; toolchain: string; world: string }): string {
    return createHash("sha256").update(JSON.stringify([parts.sourceDigest, parts.witDigest, parts.toolchain, parts.world])).digest("hex");
  }

  get(key: string): { bytes: Uint8Array; record: CacheRecord } | undefined {
    try {
      const record = JSON.parse(readFileSync(join(this.dir, `${key}.json`), "utf8")) as CacheRecord;
      const bytes = readFileSync(join(this.dir, `${key}.wasm`));
      if (sha256(bytes) !== record.digest) return undefined; // damaged entry: rebuild
      touch(join(this.dir, `${key}.json`)); // the record's mtime is the entry's last use
      return { bytes, record };
    } catch {
      return undefined;
    }
  }

  /** Each component with its record, last used when the record was last read or written. */
  entries(): CacheEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const key = /^([0-9a-f]{64})\.json$/.exec(name)?.[1];
      if (!key) return [];
      const [json, wasm] = [join(this.dir, name), join(this.dir, `${key}.wasm`)];
      try {
        const record = statSync(json);
        return [{ name: key, paths: [wasm, json], bytes: record.size + (statSync(wasm, { throwIfNoEntry: false })?.size ?? 0), lastUsed: record.mtimeMs }];
      } catch {
        return []; // removed meanwhile
      }
    });
  }

  /**
   * Stores a build, unless a whole entry for the key appeared while it ran (another build of the
   * same sources): that one is kept and returned, so builds of one key agree on their bytes. A
   * pre-initialised Go component is not bit-reproducible (Go's runtime seeds are drawn at build time).
   */
  put(key: string, bytes: Uint8Array, meta: Omit<CacheRecord, "key" | "digest" | "size">): { bytes: Uint8Array; record: CacheRecord } {
    const existing = this.get(key);
    if (existing) return existing;
    mkdirSync(this.dir, { recursive: true });
    const record: CacheRecord = { key, digest: sha256(bytes), size: bytes.length, ...meta };
    const tmp = `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    writeFileSync(join(this.dir, `${key}.wasm${tmp}`), bytes);
    renameSync(join(this.dir, `${key}.wasm${tmp}`), join(this.dir, `${key}.wasm`));
    writeFileSync(join(this.dir, `${key}.json${tmp}`), JSON.stringify(record));
    renameSync(join(this.dir, `${key}.json${tmp}`), join(this.dir, `${key}.json`));
    return { bytes, record };
  }
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Hash of every file under a folder (the WIT worlds the build embeds). */
export function digestTree(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(`${p.slice(dir.length)}\0`).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}
