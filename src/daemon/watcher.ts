import { relative, join } from "node:path";
import { watch } from "chokidar";
import { WORKFLOW_FILE } from "../workflow/index.js";
import { Coalescer } from "./debounce.js";

/** What a project's pipeline is made of: the workflow, the task files, the settings. */
export const WATCHED = [WORKFLOW_FILE, "tasks", ".env"];
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
  watcher.on("all", (_event, path) => coalescer.add(relative(projectDir, path)));
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
