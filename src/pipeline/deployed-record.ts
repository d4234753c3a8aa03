import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_STATE_DIR } from "../paths.js";

/**
 * `.pelato/deployed.json`: per lattice, each application this project folder deployed and the
 * project_name it carried then, so that `remove` finds it after project_name changes.
 */
const RECORD = join(PROJECT_STATE_DIR, "deployed.json");
type Record_ = Record<string, Record<string, string>>;

export function readDeployed(projectDir: string, lattice: string): Map<string, string> {
  return new Map(Object.entries(read(projectDir)[lattice] ?? {}));
}

export function recordDeployed(projectDir: string, lattice: string, apps: readonly string[], projectName: string): void {
  const all = read(projectDir);
  all[lattice] = { ...all[lattice], ...Object.fromEntries(apps.map((a) => [a, projectName])) };
  write(projectDir, all);
}

export function forgetDeployed(projectDir: string, lattice: string, apps: readonly string[]): void {
  const all = read(projectDir);
  if (!all[lattice]) return;
  for (const a of apps) delete all[lattice][a];
  write(projectDir, all);
}

function read(projectDir: string): Record_ {
  try {
    return JSON.parse(readFileSync(join(projectDir, RECORD), "utf8")) as Record_;
  } catch {
    return {};
  }
}

function write(projectDir: string, all: Record_): void {
  const file = join(projectDir, RECORD);
  mkdirSync(join(projectDir, PROJECT_STATE_DIR), { recursive: true });
  writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(`${file}.${process.pid}.tmp`, file);
}
