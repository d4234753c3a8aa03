import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pLimit from "p-limit";
import { PelatoError, RuntimeFailure } from "../errors.js";
import type { RenderedProject, RenderedTask } from "../render/index.js";
import { pruneWhenGrown } from "../cache-prune.js";
import { cacheDir } from "../paths.js";
import { processAlive } from "../process-alive.js";
import { ComponentCache, digestTree } from "./cache.js";
import { WIT_DIR } from "./componentize.js";
import type { Toolchain } from "./toolchain.js";

export interface BuildOptions {
  toolchain: Toolchain;
  /** Builds at once. */
  parallel: number;
  cache?: ComponentCache;
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
  /** Where the project's modules were downloaded (downloadModules); builds read it only. */
  modCache?: string;
}

export type TaskBuildResult =
  | { component: string; ok: true; wasm: string; digest: string; size: number; toolchain: string; seconds: number; cacheHit: boolean }
  | { component: string; ok: false; error: PelatoError };

export type BuildEvent =
  | { type: "start"; component: string }
  | { type: "output"; component: string; line: string }
  | { type: "done"; result: TaskBuildResult };

export const BUILD_DIR = "build";

/**
 * Builds every task of a rendered project (already written to genDir) in a bounded pool.
 * A failed task does not stop the others; every result is returned.
 */
export async function buildProject(rendered: RenderedProject, genDir: string, o: BuildOptions): Promise<TaskBuildResult[]> {
  const cache = o.cache ?? new ComponentCache();
  const toolchain = await o.toolchain.fingerprint();
  const witDigest = digestTree(WIT_DIR);
  const limit = pLimit(Math.max(1, o.parallel));
  mkdirSync(cacheDir(), { recursive: true });
  removeOrphanedWorkDirs();
  const results = await Promise.all(
    rendered.tasks.map((task) =>
      limit(async () => {
        const result = await buildTask(task, genDir, { ...o, cache, toolchainId: toolchain, witDigest });
        o.onEvent?.({ type: "done", result });
        return result;
      }),
    ),
  );
  // Every new version of a task adds a component: the least recently used go once over the limit.
  const added = results.reduce((n, r) => n + (r.ok && !r.cacheHit ? r.size : 0), 0);
  if (added > 0) pruneWhenGrown(cache.dir, added, () => cache.entries());
  return results;
}

async function buildTask(
  task: RenderedTask,
  genDir: string,
  o: BuildOptions & { cache: ComponentCache; toolchainId: string; witDigest: string },
): Promise<TaskBuildResult> {
  const component = task.dir;
  const started = performance.now();
  const key = ComponentCache.key({ sourceDigest: task.sourceDigest, witDigest: o.witDigest, toolchain: o.toolchainId, world: task.template.world });
  try {
    let entry = o.cache.get(key);
    const cacheHit = entry !== undefined;
    if (!entry) {
      o.onEvent?.({ type: "start", component });
      o.signal?.throwIfAborted();
      const workDir = mkdtempSync(join(cacheDir(), `work-${process.pid}-`));
      try {
        const bytes = await o.toolchain.build({
          task,
          projectDir: join(genDir, component),
          workDir,
          signal: o.signal ?? new AbortController().signal,
          onOutput: (line) => o.onEvent?.({ type: "output", component, line }),
          ...(o.modCache ? { modCache: o.modCache } : {}),
        });
        entry = o.cache.put(key, bytes, { toolchain: o.toolchain.name, seconds: (performance.now() - started) / 1000 });
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const wasm = writeOutput(genDir, component, entry.bytes, { digest: entry.record.digest, size: entry.record.size, toolchain: o.toolchain.name, seconds, cacheHit, sourceDigest: task.sourceDigest });
    return { component, ok: true, wasm, digest: entry.record.digest, size: entry.record.size, toolchain: o.toolchain.name, seconds, cacheHit };
  } catch (err) {
    const error = err instanceof PelatoError ? err : new RuntimeFailure(`build of ${component} failed: ${(err as Error).message}`, { cause: err });
    return { component, ok: false, error };
  }
}

/**
 * A build's scratch folder is removed when it ends, but not when its process is killed (kill -9
 * of a daemon mid-build): those of processes that are gone are removed by the next build. The
 * pid-less `work-XXXXXX` folders are from versions before the pid was in the name.
 */
function removeOrphanedWorkDirs(): void {
  for (const name of readdirSync(cacheDir())) {
    const m = /^work-(?:(\d+)-)?[A-Za-z0-9]{6}$/.exec(name);
    if (m && (m[1] === undefined || !processAlive(Number(m[1])))) rmSync(join(cacheDir(), name), { recursive: true, force: true });
  }
}

/** gen/<component>/build/<component>.json: what the last build of a task produced, and from what. */
export interface BuildRecord {
  digest: string;
  size: number;
  toolchain: string;
  seconds: number;
  cacheHit: boolean;
  /** Hash of the rendered Go sources the component was built from (RenderedTask.sourceDigest). */
  sourceDigest: string;
}

export function readBuildRecord(genDir: string, component: string): BuildRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(genDir, component, BUILD_DIR, `${component}.json`), "utf8")) as BuildRecord;
  } catch {
    return undefined;
  }
}

/**
 * gen/<component>/build/<component>.wasm and .json, each written whole or not at all, and never
 * through a symlink: a `build` that is not a real folder is replaced by one, and each file is
 * created anew (O_EXCL) then renamed over the old name, which replaces a link instead of following it.
 */
function writeOutput(genDir: string, component: string, bytes: Uint8Array, record: BuildRecord): string {
  const dir = join(genDir, component, BUILD_DIR);
  if (lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) rmSync(dir, { force: true });
  mkdirSync(dir, { recursive: true });
  const write = (name: string, data: Uint8Array | string) => {
    const path = join(dir, name);
    rmSync(`${path}.tmp`, { force: true });
    writeFileSync(`${path}.tmp`, data, { flag: "wx" });
    renameSync(`${path}.tmp`, path);
  };
  write(`${component}.wasm`, bytes);
  write(`${component}.json`, `${JSON.stringify(record, null, 2)}\n`);
  return join(dir, `${component}.wasm`);
}
