import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { utimesSync } from "node:fs";
import { test } from "node:test";
import { projectProvenance } from "../../src/oci/index.js";
import { tempProject } from "../helpers/project.js";

const FILES = { "workflow.yaml": "project_name: P\n", "tasks/a.go": "package main\n" };

test("provenance: SOURCE_DATE_EPOCH, else the last git commit, else the newest source mtime; never now", async () => {
  const plain = tempProject(FILES);
  const repo = tempProject(FILES);
  try {
    utimesSync(`${plain.dir}/workflow.yaml`, new Date("2020-01-01T00:00:00Z"), new Date("2020-01-01T00:00:00Z"));
    utimesSync(`${plain.dir}/tasks/a.go`, new Date("2021-06-01T12:00:00.750Z"), new Date("2021-06-01T12:00:00.750Z"));
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: repo.dir, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_DATE: "2022-02-02T02:02:02Z", GIT_COMMITTER_DATE: "2022-02-02T02:02:02Z", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } }).trim();
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "x");
    const head = git("rev-parse", "HEAD");

    const cases: { name: string; dir: string; env: NodeJS.ProcessEnv; want: object }[] = [
      { name: "mtime", dir: plain.dir, env: {}, want: { created: new Date("2021-06-01T12:00:00Z"), createdFrom: "source mtime" } },
      { name: "epoch wins over mtime", dir: plain.dir, env: { SOURCE_DATE_EPOCH: "1700000000" }, want: { created: new Date(1_700_000_000_000), createdFrom: "SOURCE_DATE_EPOCH" } },
      { name: "git commit", dir: repo.dir, env: {}, want: { created: new Date("2022-02-02T02:02:02Z"), revision: head, createdFrom: "git commit" } },
      { name: "epoch wins over git, revision kept", dir: repo.dir, env: { SOURCE_DATE_EPOCH: "86400" }, want: { created: new Date(86_400_000), createdFrom: "SOURCE_DATE_EPOCH", revision: head } },
      { name: "malformed epoch ignored", dir: plain.dir, env: { SOURCE_DATE_EPOCH: "yesterday" }, want: { created: new Date("2021-06-01T12:00:00Z"), createdFrom: "source mtime" } },
    ];
    for (const c of cases) assert.deepEqual(await projectProvenance(c.dir, c.env), c.want, c.name);
  } finally {
    plain.cleanup();
    repo.cleanup();
  }
});
