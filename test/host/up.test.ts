// `pelatod up` and `pelatod send` as a user runs them: the example end to end, then Ctrl-C.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, EXAMPLE, tempProject } from "../helpers/project.js";
import { processAlive } from "../../src/process-alive.js";
import { freePort } from "../helpers/servers.js";
import { until } from "../helpers/until.js";

function send(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "send", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("up runs the example; send shows results downstream; Ctrl-C stops everything within 10 s", async () => {
  const p = tempProject({}, EXAMPLE);
  const httpPort = await freePort();
  const up = spawn(process.execPath, [CLI, "up", p.dir], { env: { ...process.env, NO_COLOR: "1", PELATO_HTTP_PORT: String(httpPort) }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  up.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  try {
    const stateFile = join(p.dir, ".pelato", "up.json");
    // up writes its state file before it prints where things listen: wait for both.
    const listening = new RegExp(`HTTP  http://127\\.0\\.0\\.1:${httpPort}/ → celsius_to_kelvin_conversion`);
    await until(() => existsSync(stateFile) && listening.test(stderr), () => `up did not start:\n${stderr}`, 60_000);
    const state = JSON.parse(readFileSync(stateFile, "utf8"));

    const viaHttp = send([`http://127.0.0.1:${httpPort}/`, '{"Data":21.5}', p.dir, "--json", "--count", "2"]);
    assert.equal(viaHttp.code, 0, viaHttp.stderr);
    assert.deepEqual(JSON.parse(viaHttp.stdout).arrived, [
      { topic: "living_room_kelvin_data", payload: '{"Data":294.65,"Name":""}' },
      { topic: "filtered_kelvin_data", payload: '{"Data":294.65,"Name":""}' },
    ]);
    const outOfRange = send(["living_room_celsius_data", '{"Data":500}', p.dir, "--listen", "filtered_kelvin_data", "--timeout", "1"]);
    assert.equal(outOfRange.code, 0);
    assert.match(outOfRange.stdout, /nothing arrived on filtered_kelvin_data within 1 s/);
    assert.equal(send(["living_room_celsius_data", "{}", p.dir, "--no-wait"]).code, 0);
    // spawnSync held our event loop: up's output comes in now.
    const shown = () => stderr.includes("✓ temp_filter ← living_room_kelvin_data") && stderr.includes("✓ celsius_to_kelvin_conversion ← HTTP POST / 200");
    await until(shown, "line of up's output for both messages", 10_000);
    assert.match(stderr, /✓ temp_filter ← living_room_kelvin_data/);
    assert.match(stderr, /✓ celsius_to_kelvin_conversion ← HTTP POST \/ 200/);

    const t0 = Date.now();
    up.kill("SIGINT");
    const code = await new Promise<number | null>((r) => up.once("exit", (c) => r(c)));
    assert.ok(Date.now() - t0 < 10_000, "stopped within 10 s");
    assert.equal(code, 0);
    assert.ok(!processAlive(state.natsPid), "the local nats-server is gone");
    assert.ok(!processAlive(state.hostPid), "the local host process is gone");
    assert.ok(!existsSync(stateFile), "up.json removed");
  } finally {
    if (up.exitCode === null) up.kill("SIGKILL");
    p.cleanup();
  }
});

test("kill -9 of pelatod up takes its nats-server and its host process with it", async () => {
  const p = tempProject({}, EXAMPLE);
  const up = spawn(process.execPath, [CLI, "up", p.dir, "--toolchain", "go"], { env: { ...process.env, PELATO_HTTP_PORT: String(await freePort()) }, stdio: "ignore" });
  try {
    const stateFile = join(p.dir, ".pelato", "up.json");
    for (let i = 0; i < 600 && !existsSync(stateFile); i++) await new Promise((r) => setTimeout(r, 100));
    const { natsPid, hostPid } = JSON.parse(readFileSync(stateFile, "utf8")) as { natsPid: number; hostPid: number };
    assert.ok(processAlive(natsPid) && processAlive(hostPid));
    up.kill("SIGKILL");
    for (let i = 0; i < 50 && (processAlive(natsPid) || processAlive(hostPid)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(!processAlive(natsPid), "no orphan nats-server");
    assert.ok(!processAlive(hostPid), "no orphan host process");
  } finally {
    up.kill("SIGKILL");
    p.cleanup();
  }
});

test("a task whose init never returns fails to start, named, within --start-timeout; the rest of the project runs", { timeout: 180_000 }, async () => {
  const workflow = [
    "project_name: Stuck",
    "tasks:",
    "  - {name: Stuck, type: processor_nats, code: stuck.go, targets: [edge], source_topic: stuck.in, dest_topic: stuck.out, component_name: stuck, version: 1.0.0}",
    "  - {name: Echo, type: processor_nats, code: echo.go, targets: [edge], source_topic: echo.in, dest_topic: echo.out, component_name: echo, version: 1.0.0}",
    "",
  ].join("\n");
  const p = tempProject({
    "workflow.yaml": workflow,
    "tasks/stuck.go": "package main\n\nvar spins int\n\nfunc init() {\n\tfor {\n\t\tspins++\n\t}\n}\n\nfunc exec_task(arg string) string { return arg }\n",
    "tasks/echo.go": 'package main\n\nfunc exec_task(arg string) string { return "echo:" + arg }\n',
  });
  const up = spawn(process.execPath, [CLI, "up", p.dir, "--toolchain", "go", "--start-timeout", "3000", "--json"], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  up.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  up.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const events = () => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; app?: string; message?: string; apps?: { name: string }[] });
  try {
    await until(() => events().some((e) => e.type === "up") || up.exitCode !== null, () => `up did not come up:\n${stdout}\n${stderr}`, 120_000);
    const failed = events().filter((e) => e.type === "start-failed");
    assert.deepEqual(failed.map((e) => e.app), ["stuck"], stdout + stderr);
    assert.match(failed[0]!.message!, /stuck did not start within 3000 ms/);
    assert.deepEqual(events().find((e) => e.type === "up")!.apps!.map((a) => a.name), ["echo"]);
    const r = send(["echo.in", "hi", p.dir, "--listen", "echo.out", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).arrived, [{ topic: "echo.out", payload: "echo:hi" }]);
  } finally {
    up.kill("SIGINT");
    await new Promise((r) => (up.exitCode !== null ? r(null) : up.once("exit", r)));
    p.cleanup();
  }
});
