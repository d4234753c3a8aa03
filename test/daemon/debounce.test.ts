import { test } from "node:test";
import assert from "node:assert/strict";
import { Coalescer } from "../../src/daemon/index.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a burst of edits becomes one batch once quiet, with the time of its first edit", async () => {
  const batches: { paths: string[]; first: number }[] = [];
  const c = new Coalescer(40, (paths, first) => batches.push({ paths, first }));
  const t0 = performance.now();
  c.add("tasks/a.go", t0);
  await sleep(10);
  c.add("tasks/.a.go.swp");
  c.add("tasks/a.go");
  await sleep(10);
  c.add("workflow.yaml");
  assert.equal(batches.length, 0, "not while edits keep coming");
  await sleep(80);
  assert.deepEqual(batches, [{ paths: ["tasks/.a.go.swp", "tasks/a.go", "workflow.yaml"], first: t0 }]);
  c.add("tasks/b.go");
  await sleep(80);
  assert.deepEqual(batches[1]?.paths, ["tasks/b.go"]);
});

test("an endless stream of edits is flushed after the longest wait", async () => {
  const batches: string[][] = [];
  const c = new Coalescer(50, (paths) => batches.push(paths), 120);
  for (let i = 0; i < 10; i++) {
    c.add(`f${i}`);
    await sleep(25);
  }
  c.cancel();
  assert.ok(batches.length >= 1, "flushed although never quiet for 50 ms");
});

test("cancel drops what was collected", async () => {
  const batches: string[][] = [];
  const c = new Coalescer(10, (paths) => batches.push(paths));
  c.add("x");
  c.cancel();
  await sleep(30);
  assert.deepEqual(batches, []);
});
