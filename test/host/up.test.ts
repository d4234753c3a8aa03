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
