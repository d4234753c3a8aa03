import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_STATE_DIR } from "../paths.js";
import { processAlive } from "../process-alive.js";

/** What a running `pelatod up` tells other commands (`send`): written to .pelato/up.json. */
export interface UpState {
  pid: number;
  natsPid: number;
  /** The local component host's process. */
  hostPid: number;
  natsUrl: string;
  http: { port: number; app: string }[];
  apps: string[];
}

export const STATE_DIR = PROJECT_STATE_DIR;
const FILE = "up.json";

export function writeUpState(projectDir: string, state: UpState): void {
  const dir = join(projectDir, STATE_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${FILE}.tmp`), `${JSON.stringify(state, null, 2)}\n`);
  renameSync(join(dir, `${FILE}.tmp`), join(dir, FILE));
}

/** The state of a `pelatod up` that is still running in this project, if any. */
export function readUpState(projectDir: string): UpState | undefined {
  try {
    const state = JSON.parse(readFileSync(join(projectDir, STATE_DIR, FILE), "utf8")) as UpState;
    return processAlive(state.pid) ? state : undefined;
  } catch {
    return undefined;
  }
}

export function clearUpState(projectDir: string): void {
  rmSync(join(projectDir, STATE_DIR, FILE), { force: true });
}

/** A nats-server left behind by an up that was killed with -9: stop it before starting anew. */
export function staleNatsPid(projectDir: string): number | undefined {
  try {
    const state = JSON.parse(readFileSync(join(projectDir, STATE_DIR, FILE), "utf8")) as UpState;
    if (processAlive(state.pid) || !processAlive(state.natsPid)) return undefined;
    const cmdline = readFileSync(`/proc/${state.natsPid}/cmdline`, "utf8");
    return cmdline.includes("nats-server") && cmdline.includes(join(projectDir, STATE_DIR)) ? state.natsPid : undefined;
  } catch {
    return undefined;
  }
}
