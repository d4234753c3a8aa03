// The Go syntax checker stays up between requests: answers come back to the right caller, and a
// checker that died is started again by the next request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkGoFiles } from "../../src/workflow/go-check.js";
import { tempProject } from "../helpers/project.js";

const p = tempProject({ "good.go": "package main\n\nfunc exec_task(arg string) string { return arg }\n", "bad.go": "package main\n\nfunc exec_task(arg string) string { return arg +\n" });
const good = join(p.dir, "good.go");
const bad = join(p.dir, "bad.go");

function checkerPids(): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("gocheck-");
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("concurrent requests each get their own files' reports", async () => {
  const [a, b, c] = await Promise.all([checkGoFiles([good]), checkGoFiles([bad]), checkGoFiles([bad, good])]);
  assert.deepEqual(a.map((r) => [r.file, r.errors.length]), [[good, 0]]);
  assert.equal(b[0]!.file, bad);
  assert.match(b[0]!.errors[0]!.message, /expected/);
  assert.deepEqual(c.map((r) => r.file), [bad, good]);
  assert.equal(checkerPids().length, 1, "one checker serves them all");
});

test("a checker that died is started again by the next request", async () => {
  await checkGoFiles([good]);
  const [pid] = checkerPids();
  assert.ok(pid);
  process.kill(pid, "SIGKILL");
  const [r] = await checkGoFiles([good]); // at once: the request may meet the dying checker
  assert.deepEqual(r!.execTask?.params, ["string"]);
  assert.notDeepEqual(checkerPids(), [pid]);
  p.cleanup();
});
