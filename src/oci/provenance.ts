import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Provenance {
  created: Date;
  /** The git commit of the project, when it is in a git work tree. */
  revision?: string;
  /** Which rule gave `created`, for --json and tests. */
  createdFrom: "SOURCE_DATE_EPOCH" | "git commit" | "source mtime";
}

/**
 * When the artifact was "created", chosen so that pushing unchanged sources twice gives the
 * same config and manifest bytes (reproducible-builds.org's rule, first that applies):
 * SOURCE_DATE_EPOCH; else the time of the project's last git commit; else the newest
 * modification time of workflow.yaml and tasks/. Wall-clock "now" is never used: it would
 * change every digest on every push. The task's content version is a hash, not a time, so it
 * cannot stand in for one.
 */
export async function projectProvenance(projectDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Provenance> {
  const git = await gitHead(projectDir);
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^[0-9]+$/.test(epoch.trim())) return { created: new Date(Number(epoch) * 1000), createdFrom: "SOURCE_DATE_EPOCH", ...(git ? { revision: git.commit } : {}) };
  if (git) return { created: git.time, revision: git.commit, createdFrom: "git commit" };
  return { created: newestMtime(projectDir), createdFrom: "source mtime" };
}

async function gitHead(dir: string): Promise<{ commit: string; time: Date } | undefined> {
  try {
    const { stdout } = await run("git", ["log", "-1", "--format=%H %ct", "--", "."], { cwd: dir, timeout: 5_000 });
    const [commit, seconds] = stdout.trim().split(" ");
    return commit && seconds ? { commit, time: new Date(Number(seconds) * 1000) } : undefined;
  } catch {
    return undefined; // not a git work tree, or no git
  }
}

function newestMtime(projectDir: string): Date {
  let newest = 0;
  const visit = (path: string) => {
    try {
      const st = statSync(path);
      if (st.isDirectory()) for (const e of readdirSync(path)) visit(join(path, e));
      else newest = Math.max(newest, Math.floor(st.mtimeMs / 1000) * 1000);
    } catch {
      // missing: ignore
    }
  };
  visit(join(projectDir, "workflow.yaml"));
  visit(join(projectDir, "tasks"));
  return new Date(newest);
}
