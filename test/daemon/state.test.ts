import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { emptyState, readState, STATE_FILE, withApp, writeState } from "../../src/daemon/index.js";
import { tempProject } from "../helpers/project.js";

test("state round-trips, is written whole (no temporary file left) and per target", () => {
  const p = tempProject();
  try {
    const state = { ...emptyState("lattice:default"), apps: { a: { version: "v1", sourceDigest: "s", digest: "sha256:d", image: "r/a:1" } } };
    writeState(p.dir, state);
    assert.deepEqual(readState(p.dir, "lattice:default"), state);
    assert.deepEqual(readdirSync(join(p.dir, ".pelato")), ["state.json"]);
    assert.deepEqual(readState(p.dir, "local"), emptyState("local"), "a state for another target says nothing");
  } finally {
    p.cleanup();
  }
});

test("a missing, torn or foreign state file reads as empty", () => {
  const p = tempProject();
  try {
    assert.deepEqual(readState(p.dir, "local"), emptyState("local"));
    mkdirSync(join(p.dir, ".pelato"));
    writeFileSync(join(p.dir, STATE_FILE), '{"format":1,"target":"local","apps":{"a":');
    assert.deepEqual(readState(p.dir, "local"), emptyState("local"));
    writeFileSync(join(p.dir, STATE_FILE), '{"format":2,"target":"local","apps":{}}');
    assert.deepEqual(readState(p.dir, "local"), emptyState("local"));
    assert.ok(existsSync(join(p.dir, STATE_FILE)));
  } finally {
    p.cleanup();
  }
});

test("withApp returns a copy with one application set or removed", () => {
  const apps = { a: { version: "v1", sourceDigest: "s", digest: "d" } };
  const added = withApp(apps, "b", { version: "v2", sourceDigest: "t", digest: "e" });
  assert.deepEqual(Object.keys(added), ["a", "b"]);
  assert.deepEqual(Object.keys(withApp(added, "a", undefined)), ["b"]);
  assert.deepEqual(Object.keys(apps), ["a"]);
});

test("one daemon per project: a live daemon's lock is refused, a stale one (dead or reused pid) taken over", async () => {
  const { lockProject } = await import("../../src/daemon/lock.js");
  const { spawn } = await import("node:child_process");
  const p = tempProject();
  const lockFile = join(p.dir, ".pelato", "daemon.pid");
  // A process whose command line looks like a running `pelatod watch`.
  const fake = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)", "pelatod", "watch"], { stdio: "ignore" });
  try {
    mkdirSync(join(p.dir, ".pelato"), { recursive: true });
    writeFileSync(lockFile, `${fake.pid}\n`);
    assert.throws(() => lockProject(p.dir), new RegExp(`another pelatod daemon \\(pid ${fake.pid}\\) already runs this project`));
    writeFileSync(lockFile, `${process.pid === 1 ? 2 : 1}\n`); // alive, but not a daemon
    const release = lockProject(p.dir);
    assert.equal(readFileSync(lockFile, "utf8"), `${process.pid}\n`);
    release();
    assert.ok(!existsSync(lockFile));
  } finally {
    fake.kill();
    p.cleanup();
  }
});
