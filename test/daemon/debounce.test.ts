// The coalescer on a clock the test moves: mocked timers, and `now` handed to add().
import { afterEach, beforeEach, mock, test } from "node:test";
import assert from "node:assert/strict";
import { Coalescer } from "../../src/daemon/index.js";

let now = 0;
/** Moves the test's clock a millisecond at a time, firing each timer when it is due (so `now` is exact inside it). */
const advance = (ms: number) => {
  for (let i = 0; i < ms; i++) {
    now++;
    mock.timers.tick(1);
  }
};
beforeEach(() => {
  now = 1000;
  mock.timers.enable({ apis: ["setTimeout"] });
});
afterEach(() => mock.timers.reset());

test("a burst of edits becomes one batch once quiet for quietMs, with the time of its first edit", () => {
  const batches: { paths: string[]; first: number }[] = [];
  const c = new Coalescer(40, (paths, first) => batches.push({ paths, first }));
  const t0 = now;
  c.add("tasks/a.go", now);
  advance(10);
  c.add("tasks/.a.go.swp", now);
  c.add("tasks/a.go", now);
  advance(10);
  c.add("workflow.yaml", now);
  advance(39);
  assert.deepEqual(batches, [], "not before 40 ms of quiet");
  advance(1);
  assert.deepEqual(batches, [{ paths: ["tasks/.a.go.swp", "tasks/a.go", "workflow.yaml"], first: t0 }]);
  c.add("tasks/b.go", now);
  advance(40);
  assert.deepEqual(batches[1], { paths: ["tasks/b.go"], first: now - 40 });
});

test("an endless stream of edits is flushed once maxMs after its first edit, not later", () => {
  const flushedAt: number[] = [];
  const c = new Coalescer(50, () => flushedAt.push(now), 120);
  const t0 = now;
  for (let i = 0; i < 10; i++) {
    c.add(`f${i}`, now);
    advance(25); // never quiet for 50 ms
  }
  c.cancel();
  // Edits at 0, 25, …, 225 ms: the first batch (0–100) closes at 120 ms, the second (125–225) at 125 + 120 = 245 ms.
  assert.deepEqual(flushedAt.map((t) => t - t0), [120, 245]);
});

test("the longest wait is exact: a batch whose first edit came at t flushes at t + maxMs", () => {
  const flushedAt: number[] = [];
  const c = new Coalescer(50, () => flushedAt.push(now), 120);
  const t0 = now;
  c.add("a", now);
  for (let i = 0; i < 2; i++) {
    advance(40);
    c.add("a", now); // 40 and 80 ms: never quiet for 50
  }
  advance(39);
  assert.deepEqual(flushedAt, [], "not before 120 ms");
  advance(1);
  assert.deepEqual(flushedAt.map((t) => t - t0), [120]);
});

test("cancel drops what was collected", () => {
  const batches: string[][] = [];
  const c = new Coalescer(10, (paths) => batches.push(paths));
  c.add("x", now);
  c.cancel();
  advance(1000);
  assert.deepEqual(batches, []);
});
