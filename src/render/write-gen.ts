import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import type { RenderedProject } from "./render-project.js";
import { processAlive } from "../process-alive.js";

export const GEN_DIR = "gen";
/** Build outputs inside gen/<component>/ that a new gen/ keeps. */
const KEPT = "build";

/**
 * Replaces `<project>/gen` with the rendered files. Everything is written into a fresh folder
 * beside it first; only a complete folder is swapped in, so a failure leaves the old gen/ as it was.
 */
export function writeGen(rendered: RenderedProject): string {
  const genDir = join(rendered.project.dir, GEN_DIR);
  recoverInterruptedSwap(rendered.project.dir);
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = join(rendered.project.dir, `.gen.staging-${suffix}`);
  try {
    for (const [path, content] of rendered.files) {
      const target = join(staging, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    for (const t of rendered.tasks) {
      const oldBuild = join(genDir, t.dir, KEPT);
      // Only a real folder is kept: a symlink planted there would send the next build's output elsewhere.
      if (isRealDir(oldBuild)) renameSync(oldBuild, join(staging, t.dir, KEPT));
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  const retired = join(rendered.project.dir, `.gen.old-${suffix}`);
  if (existsSync(genDir)) renameSync(genDir, retired);
  renameSync(staging, genDir);
  rmSync(retired, { recursive: true, force: true });
  return genDir;
}

/**
 * A crash between the two renames leaves gen/ missing and `.gen.old-*` present: put it back.
 * Leftovers of a pelatod that is still running (another gen at this moment) are left alone.
 */
function recoverInterruptedSwap(projectDir: string): void {
  const leftovers = readdirSync(projectDir).filter((n) => /^\.gen\.(staging|old)-\d+-/.test(n) && !isRunning(Number(n.split("-")[1])));
  const genDir = join(projectDir, GEN_DIR);
  for (const name of leftovers) {
    if (name.startsWith(".gen.old-") && !existsSync(genDir)) renameSync(join(projectDir, name), genDir);
    else rmSync(join(projectDir, name), { recursive: true, force: true });
  }
}

/** A leftover of this very process is stale; another live pelatod's is not. */
function isRunning(pid: number): boolean {
  return pid !== process.pid && processAlive(pid);
}

function isRealDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
