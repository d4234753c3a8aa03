import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_STATE_DIR as STATE_DIR } from "../paths.js";
import { RuntimeFailure } from "../errors.js";
import { writeFileAtomic } from "./state.js";

const FILE = "daemon.pid";

/** One daemon per project: a pid file, taken over when its process is gone (after a kill -9). */
export function lockProject(projectDir: string): () => void {
  const file = join(projectDir, STATE_DIR, FILE);
  const holder = Number.parseInt(readOr(file), 10);
  if (Number.isInteger(holder) && holder !== process.pid && isDaemon(holder)) throw new RuntimeFailure(`another pelatod daemon (pid ${holder}) already runs this project`);
  writeFileAtomic(file, `${process.pid}\n`);
  return () => {
    if (Number.parseInt(readOr(file), 10) === process.pid) rmSync(file, { force: true });
  };
}

function readOr(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** A live pelatod daemon, not whatever process got the pid after a reboot. */
function isDaemon(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv.some((a) => /pelatod|main\.js$/.test(a)) && argv.some((a) => a === "watch" || a === "serve");
  } catch {
    return false;
  }
}
