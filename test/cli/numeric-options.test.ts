// Every numeric flag and variable: a bad value stops the command before it does anything, with
// exit 2 and a message naming the flag or variable (a NaN deadline once waited forever).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { cacheLimitBytes } from "../../src/cache-prune.js";
import { UsageError } from "../../src/errors.js";
import { CLI, EXAMPLE, REPO_ROOT, tempProject } from "../helpers/project.js";

const FLAGS: [command: string[], flag: string][] = [
  [["deploy"], "--wait-timeout"],
  [["brush"], "--wait-timeout"],
  [["up"], "--message-timeout"],
  [["up"], "--memory-limit"],
  [["watch"], "--message-timeout"],
  [["watch"], "--memory-limit"],
  [["up"], "--start-timeout"],
  [["watch"], "--start-timeout"],
  [["lattice", "up"], "--nats-port"],
  [["lattice", "up"], "--registry-port"],
  [["lattice", "up"], "--heartbeat"],
  [["lattice", "up"], "--cleanup"],
  [["send", "celsius"], "--count"],
  [["send", "celsius"], "--timeout"],
];

// No server is started: nothing may run before the flags are checked.
const project = tempProject({}, EXAMPLE);
const env = { ...process.env, NO_COLOR: "1", NATS_URL: "nats://127.0.0.1:1", REGISTRY_URL: "127.0.0.1:1" };

for (const [command, flag] of FLAGS) {
  for (const bad of flag === "--wait-timeout" ? ["abc", "0", "1.5", "-1", "99999999"] : ["abc", "0"]) {
    test(`${command.join(" ")} ${flag} ${bad}: exit 2, naming the flag`, () => {
      const args = command[0] === "lattice" || command[0] === "send" ? [...command, flag, bad] : [...command, project.dir, flag, bad];
      const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`option '${flag} <[^>]+>' argument '${bad}' is invalid\\. expected a whole number from \\d+ to [\\d,_]+`));
    });
  }
}

test("--json: the refusal is one JSON document naming the flag", () => {
  const r = spawnSync(process.execPath, [CLI, "deploy", project.dir, "--wait-timeout", "abc", "--json"], { env, encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 2);
  const doc = JSON.parse(r.stdout) as { ok: boolean; error: { message: string } };
  assert.equal(doc.ok, false);
  assert.match(doc.error.message, /--wait-timeout/);
});

test("PELATO_READY_TIMEOUT_S and PELATO_CACHE_MAX_MB: a bad value is an error naming the variable", () => {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "dist", "src", "daemon", "wait-ready.js"), project.dir], { env: { ...env, PELATO_READY_TIMEOUT_S: "soon" }, encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /PELATO_READY_TIMEOUT_S: "soon" is not a whole number of seconds/);
  assert.throws(() => cacheLimitBytes({ PELATO_CACHE_MAX_MB: "lots" }), (e: unknown) => e instanceof UsageError && /PELATO_CACHE_MAX_MB: "lots"/.test(e.message));
  assert.equal(cacheLimitBytes({ PELATO_CACHE_MAX_MB: "10" }), 10 << 20);
});

test("REGISTRY_TIMEOUT_S and REGISTRY_DEADLINE_S: a bad value exits 2 naming the variable", () => {
  for (const name of ["REGISTRY_TIMEOUT_S", "REGISTRY_DEADLINE_S"]) {
    for (const bad of ["abc", "0", "1.5"]) {
      const r = spawnSync(process.execPath, [CLI, "push", project.dir], { env: { ...env, [name]: bad }, encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`${name}: "${bad.replace(".", "\\.")}" is not a whole number of seconds from 1 to \\d+`));
    }
  }
});
