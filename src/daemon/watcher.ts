import { statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { watch } from "chokidar";
import { WORKFLOW_FILE } from "../workflow/index.js";
import { Coalescer } from "./debounce.js";

/** What a project's pipeline is made of: the workflow, the task files, the settings. */
export const WATCHED = [WORKFLOW_FILE, "tasks", ".env", "go.mod", "go.sum"];
// Editors' swap, backup and lock files: never a task, and often many of them per save.
const EDITOR_TEMP = /(^|[/\\])(\.#[^/\\]*|#[^/\\]*#|[^/\\]*~|[^/\\]*\.sw[a-p]|4913|\.goutputstream-[^/\\]*)$/;

export interface ProjectWatcher {
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Watches the project and calls `onBatch` with the changed paths (relative) once edits settle. */
export function watchProject(projectDir: string, debounceMs: number, onBatch: (paths: string[], firstAt: number) => void, onError: (err: Error) => void): ProjectWatcher {
  const coalescer = new Coalescer(debounceMs, onBatch);
  const watcher = watch(
    WATCHED.map((p) => join(projectDir, p)),
    { ignoreInitial: true, ignored: (p: string) => EDITOR_TEMP.test(p), atomic: false },
  );
  // chokidar reports a path's change at most once per 50 ms, and drops the rest: a formatter's
  // rewrite right after a save would be lost. Its raw events are not throttled; one counts when
  // the file's size, mtime or inode moved since the last event for it (a read's atime does not).
  const seen = new Map<string, string>();
  const signature = (path: string) => {
    try {
      const s = statSync(path);
      return s.isDirectory() ? undefined : `${s.size}:${s.mtimeMs}:${s.ino}`;
    } catch {
      return "gone";
    }
  };
  // Both sources report most edits: whichever comes second finds the same signature and is
  // dropped, so one save never makes a second, empty cycle.
  watcher.on("all", (_event, path) => {
    const now = signature(path);
    if (now !== undefined && seen.get(path) === now) return;
    seen.set(path, now ?? "");
    coalescer.add(relative(projectDir, path));
  });
  watcher.on("raw", (_event, name: string | null, details) => {
    const watched = (details as { watchedPath?: string }).watchedPath;
    if (!watched || !name) return;
    const path = basename(watched) === name && signature(watched) !== undefined ? watched : join(watched, name);
    if (EDITOR_TEMP.test(path) || !WATCHED.some((w) => path === join(projectDir, w) || path.startsWith(join(projectDir, w) + "/"))) return;
    const now = signature(path);
    if (now === undefined || seen.get(path) === now) return;
    seen.set(path, now);
    coalescer.add(relative(projectDir, path));
  });
  watcher.on("error", (err) => onError(err as Error));
  const ready = new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return {
    ready,
    close: async () => {
      coalescer.cancel();
      await watcher.close();
    },
  };
}
