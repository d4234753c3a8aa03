import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { RuntimeFailure } from "../errors.js";
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

/** A record that cannot be read is an error, never an empty one: writing over it would lose what it held. */
function read(projectDir: string): Record_ {
  let text: string;
  try {
    text = readFileSync(join(projectDir, RECORD), "utf8");
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as Record_;
  } catch (err) {
    throw new RuntimeFailure(`${RECORD} cannot be read (${(err as Error).message}); move it aside to start a new one`);
  }
}

function write(projectDir: string, all: Record_): void {
  writeFileAtomic(join(projectDir, RECORD), `${JSON.stringify(all, null, 2)}\n`);
}
