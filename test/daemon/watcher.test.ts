// chokidar on a real folder: what is watched, what is ignored, and bursts coalesced.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_DEBOUNCE_MS } from "../../src/config/index.js";
import { watchProject, type ProjectWatcher } from "../../src/daemon/index.js";
import { tempProject } from "../helpers/project.js";

const p = tempProject({ "workflow.yaml": "project_name: W\ntasks: []\n", "tasks/a.go": "package main\n" });
const batches: string[][] = [];
let w: ProjectWatcher;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function nextBatch(): Promise<string[]> {
  const n = batches.length;
  for (let i = 0; i < 100 && batches.length === n; i++) await sleep(20);
  assert.ok(batches.length > n, "a batch arrived");
  return batches.at(-1)!;
}

before(async () => {
  w = watchProject(p.dir, DEFAULT_DEBOUNCE_MS, (paths) => batches.push(paths), (err) => assert.fail(err));
  await w.ready;
  // File times tick in jiffies: a change within a few ms of the file's creation has the same
  // mtime, and chokidar (rightly) reports no change for it. Real edits come later than that.
  await sleep(50);
});
after(async () => {
  await w.close();
  p.cleanup();
});

test("an editor's save (temporary file, rename, swap file) is one batch naming the task file", async () => {
  writeFileSync(join(p.dir, "tasks", ".a.go.swp"), "x");
  writeFileSync(join(p.dir, "tasks", "a.go.tmp~"), "package main\n// v2\n");
  renameSync(join(p.dir, "tasks", "a.go.tmp~"), join(p.dir, "tasks", "a.go"));
  assert.deepEqual(await nextBatch(), ["tasks/a.go"]);
});

test("a rewrite right after a change was reported (a formatter's, say) is a change of its own", async () => {
  for (const body of ["package main\n// v3\n", "package main\n\n// v3, formatted\n"]) {
    writeFileSync(join(p.dir, "tasks", "a.go"), body);
    assert.deepEqual(await nextBatch(), ["tasks/a.go"]); // the second within chokidar's 50 ms throttle of the first
  }
  const n = batches.length;
  readFileSync(join(p.dir, "tasks", "a.go")); // as the daemon's check does: its atime moves
  await sleep(200);
  assert.equal(batches.length, n, "no batch more: reading a file is not a change");
});

test("workflow.yaml, a new task file, .env, go.mod and go.sum (created after the start) are watched", async () => {
  writeFileSync(join(p.dir, "workflow.yaml"), "project_name: W2\ntasks: []\n");
  writeFileSync(join(p.dir, "tasks", "b.go"), "package main\n");
  assert.deepEqual(await nextBatch(), ["tasks/b.go", "workflow.yaml"]);
  writeFileSync(join(p.dir, ".env"), "PARALLEL_BUILD=1\n");
  assert.deepEqual(await nextBatch(), [".env"]);
  writeFileSync(join(p.dir, "go.mod"), "module pelato.local/w\n\ngo 1.24\n");
  writeFileSync(join(p.dir, "go.sum"), "");
  assert.deepEqual(await nextBatch(), ["go.mod", "go.sum"], "the project's modules: an edit rebuilds the tasks using what changed");
});

test("files outside the project's inputs are not", async () => {
  const n = batches.length;
  mkdirSync(join(p.dir, "gen"), { recursive: true });
  writeFileSync(join(p.dir, "gen", "x.go"), "package main\n");
  writeFileSync(join(p.dir, "notes.txt"), "hello\n");
  await sleep(300);
  assert.equal(batches.length, n);
});
