import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { PROJECT_STATE_DIR as STATE_DIR } from "../paths.js";
import type { DaemonState, DeployedApp } from "./types.js";

export { writeFileAtomic };

export const STATE_FILE = join(STATE_DIR, "state.json");

export function emptyState(target: string): DaemonState {
  return { format: 1, target, apps: {} };
}

/** The saved state for this target; empty when absent, unreadable or written for another target. */
export function readState(projectDir: string, target: string): DaemonState {
  try {
    const s = JSON.parse(readFileSync(join(projectDir, STATE_FILE), "utf8")) as DaemonState;
    if (s.format !== 1 || s.target !== target || typeof s.apps !== "object" || s.apps === null) return emptyState(target);
    return s;
  } catch {
    return emptyState(target);
  }
}

/**
 * Writes the state whole or not at all: a temporary file, fsync, rename over the old one, fsync
 * of the folder. A kill -9 at any instant leaves either the previous state or this one.
 */
export function writeState(projectDir: string, state: DaemonState): void {
  writeFileAtomic(join(projectDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** A copy of `apps` with one application recorded as deployed (or removed, with undefined). */
export function withApp(apps: Readonly<Record<string, DeployedApp>>, name: string, app: DeployedApp | undefined): Record<string, DeployedApp> {
  const next = { ...apps };
  if (app) next[name] = app;
  else delete next[name];
  return next;
}
