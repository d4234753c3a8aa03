// Scale on a real lattice: 20 tasks in one brush (the original failed from 15 parallel builds),
// chained topic to topic, so a message that crosses all 20 shows every one of them deployed and wired.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startLattice, type RunningLattice } from "../../src/lattice/index.js";
import { CLI } from "../helpers/project.js";
import { generateProject } from "../helpers/project-generator.js";

const TASKS = 20;
let lattice: RunningLattice;
let nc: NatsConnection;
const dir = generateProject(TASKS, ["processor_nats"], tmpdir(), `scale ${randomBytes(4).toString("hex")}`);

before(async () => {
  lattice = await startLattice({ hosts: ["edge", "cloud"], lattice: "default" });
  nc = await connect({ servers: lattice.natsUrl });
});
after(async () => {
  await nc?.close();
  await lattice?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function brush(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, NO_COLOR: "1", NATS_URL: lattice.natsUrl, PELATO_PROVIDER_NATS_URL: lattice.natsUrl, REGISTRY_URL: lattice.registry, PELATO_PROVIDERS: "builtin" };
  const child = spawn(process.execPath, [CLI, "brush", dir, "--toolchain", "go", "--wait-timeout", "600", "--json"], { env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

test("20 tasks brushed at once are all deployed, and a message crosses all of them", async () => {
  const r = await brush();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as { deployed: boolean; steps: { name: string }[] };
  assert.equal(out.deployed, true);
  assert.equal(new Set(out.steps.map((s) => s.name)).size, TASKS);
  // Task i appends "-i" and publishes to task i+1's topic.
  const expected = `x${Array.from({ length: TASKS }, (_, i) => `-${i}`).join("")}`;
  let got: string | undefined;
  const sub = nc.subscribe(`bench.t${TASKS}.in`, { callback: (_e, m) => void (got = m.string()) });
  for (let i = 0; i < 60 && got === undefined; i++) {
    nc.publish("bench.t0.in", "x");
    await new Promise((res) => setTimeout(res, 500));
  }
  sub.unsubscribe();
  assert.equal(got, expected);
});
