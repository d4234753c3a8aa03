// `pelatod watch --local` on the embedded default, with real components: an edit serves, a no-op
// save does nothing, broken code keeps the old version answering, the NATS server dies and comes back.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { tempProject } from "../helpers/project.js";
import { freePort } from "../helpers/servers.js";
import { cycleAfter, spawnDaemon, TAG, upper, WORKFLOW, type DaemonProcess } from "./helpers/daemon-process.js";

const run = randomBytes(4).toString("hex"); // fresh sources: the machine-wide cache has never seen them
const p = tempProject({ "workflow.yaml": WORKFLOW(), "tasks/upper.go": upper(`v1-${run}`), "tasks/tag.go": TAG });
let d: DaemonProcess;
let nc: NatsConnection;
let metrics: string;

const ask = async (subject: string, body: string) => (await nc.request(subject, body, { timeout: 5000 })).string();
/** Asks until someone answers (for 10 s): after a restart, the task's subscription comes back on its own schedule. */
async function askUntilAnswered(subject: string, body: string): Promise<string> {
  let answer = "";
  for (let i = 0; i < 100 && !answer; i++) answer = await ask(subject, body).catch(() => new Promise<string>((r) => setTimeout(() => r(""), 100)));
  return answer;
}
const counter = async (name: string) => Number(/ (\d+)$/m.exec((await (await fetch(`${metrics}/metrics`)).text()).split("\n").find((l) => l.startsWith(name)) ?? " 0")![1]);

before(async () => {
  metrics = `http://127.0.0.1:${await freePort()}`;
  d = spawnDaemon(["watch", p.dir, "--local", "--metrics", metrics.slice(7)]);
  await d.waitFor((e) => e.type === "ready", { what: "ready" });
  const up = JSON.parse(readFileSync(join(p.dir, ".pelato", "up.json"), "utf8")) as { natsUrl: string };
  nc = await connect({ servers: up.natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
});
after(async () => {
  await nc?.close();
  await d?.stop();
  p.cleanup();
});

test("both tasks serve after start; /healthz is 200", async () => {
  assert.equal(await ask("w.upper.in", "abc"), `ABC|v1-${run}`);
  assert.equal(await ask("w.tag.in", "x"), "x|tag");
  assert.equal((await fetch(`${metrics}/healthz`)).status, 200);
});

test("editing exec_task in one task: the new behaviour serves; only that task is rebuilt and redeployed", async () => {
  const from = d.mark();
  writeFileSync(join(p.dir, "tasks", "upper.go"), upper(`v2-${run}`));
  const cycle = await cycleAfter(d, from);
  assert.equal(cycle.outcome, "ok", JSON.stringify(cycle));
  assert.deepEqual(d.since(from, "built").map((e) => [e.app, e.cacheHit]), [["upper", false]]);
  assert.deepEqual(d.since(from, "deployed").map((e) => [e.app, e.step]), [["upper", "swapped"]]);
  assert.equal(await ask("w.upper.in", "abc"), `ABC|v2-${run}`);
  assert.equal(await ask("w.tag.in", "y"), "y|tag");
});

test("a save that changes nothing starts no build and no deploy", async () => {
  const compiled = await counter('pelato_builds_total{result="compiled"}');
  const deployed = await counter('pelato_deploys_total{result="ok"}');
  const from = d.mark();
  writeFileSync(join(p.dir, "tasks", "upper.go"), upper(`v2-${run}`));
  writeFileSync(join(p.dir, "workflow.yaml"), `# a comment only\n${WORKFLOW()}`);
  const cycle = await cycleAfter(d, from);
  assert.equal(cycle.outcome, "noop");
  assert.deepEqual([cycle.compiled, cycle.cached, cycle.pushed, cycle.deployed], [0, 0, 0, 0]);
  assert.equal(await counter('pelato_builds_total{result="compiled"}'), compiled);
  assert.equal(await counter('pelato_deploys_total{result="ok"}'), deployed);
});

test("a syntax error keeps the old version answering and points at the file; a type error too; the fix deploys", async () => {
  let from = d.mark();
  writeFileSync(join(p.dir, "tasks", "upper.go"), "package main\n\nfunc exec_task(arg string) string {\n\treturn arg +\n}\n");
  const invalid = await d.waitFor((e) => e.type === "invalid", { from, what: "invalid" });
  assert.match(String(invalid.message), /tasks\/upper\.go:5:1: /);
  assert.equal(await ask("w.upper.in", "abc"), `ABC|v2-${run}`);

  from = d.mark();
  writeFileSync(join(p.dir, "tasks", "upper.go"), "package main\n\nfunc exec_task(arg string) string {\n\treturn undefinedThing\n}\n");
  const failed = await d.waitFor((e) => e.type === "build-failed", { from, what: "build-failed" });
  assert.match(String(failed.message), /tasks\/upper\.go:4:9: undefined: undefinedThing/);
  assert.equal((await cycleAfter(d, from)).outcome, "failed");
  assert.equal(await ask("w.upper.in", "abc"), `ABC|v2-${run}`);

  from = d.mark();
  writeFileSync(join(p.dir, "tasks", "upper.go"), upper(`v3-${run}`));
  assert.equal((await cycleAfter(d, from)).outcome, "ok");
  assert.equal(await ask("w.upper.in", "abc"), `ABC|v3-${run}`);
});

test("a newer edit cancels the build of the plan it supersedes; only the newest version deploys", async () => {
  const from = d.mark();
  writeFileSync(join(p.dir, "tasks", "upper.go"), upper(`v4-${run}`));
  await d.waitFor((e) => e.type === "plan", { from, what: "the first plan" });
  await new Promise((r) => setTimeout(r, 300)); // the compiler is running
  writeFileSync(join(p.dir, "tasks", "upper.go"), upper(`v5-${run}`));
  const cycle = await d.waitFor((e) => e.type === "cycle" && e.outcome === "ok", { from, what: "the newest deployed" });
  assert.deepEqual(d.since(from, "cycle").map((e) => e.outcome), ["superseded", "ok"]);
  assert.equal(cycle.compiled, 1);
  assert.equal(d.since(from, "deployed").length, 1);
  assert.equal(await ask("w.upper.in", "abc"), `ABC|v5-${run}`);
});

test("a topic change redeploys only that task's manifest, without a build", async () => {
  const from = d.mark();
  const out = nc.subscribe("w.tag.moved", { max: 1 });
  writeFileSync(join(p.dir, "workflow.yaml"), WORKFLOW({ tagDest: "w.tag.moved" }));
  const cycle = await cycleAfter(d, from);
  assert.equal(cycle.outcome, "ok");
  assert.deepEqual(d.since(from, "plan")[0]!.apps, [{ name: "tag", action: "update", build: false, push: false, deploy: true, reason: "manifest changed" }]);
  assert.equal(cycle.compiled, 0);
  nc.publish("w.tag.in", "z");
  for await (const m of out) assert.equal(m.string(), "z|tag");
});

test("the embedded nats-server killed: the daemon starts it again and the pipeline answers", async () => {
  const up = JSON.parse(readFileSync(join(p.dir, ".pelato", "up.json"), "utf8")) as { natsPid: number };
  const from = d.mark();
  process.kill(up.natsPid, "SIGKILL");
  await d.waitFor((e) => e.type === "nats" && e.status === "restarted", { from, what: "nats restarted", timeoutMs: 30_000 });
  await d.waitFor((e) => e.type === "nats" && e.status === "reconnected", { from, what: "reconnected", timeoutMs: 30_000 });
  assert.equal(await askUntilAnswered("w.upper.in", "abc"), `ABC|v5-${run}`);
});

test("the local host process killed: it is started again with both tasks, and the pipeline answers", async () => {
  const up = JSON.parse(readFileSync(join(p.dir, ".pelato", "up.json"), "utf8")) as { hostPid: number };
  const from = d.mark();
  process.kill(up.hostPid, "SIGKILL");
  await d.waitFor((e) => e.type === "host-incident" && /local host process exited \(SIGKILL\); starting it again with 2 application/.test(String(e.message)), { from, what: "host restarted", timeoutMs: 30_000 });
  const upState = () => JSON.parse(readFileSync(join(p.dir, ".pelato", "up.json"), "utf8")) as { hostPid: number };
  for (let i = 0; i < 300 && upState().hostPid === up.hostPid; i++) await new Promise((r) => setTimeout(r, 100));
  assert.notEqual(upState().hostPid, up.hostPid, "up.json names the new host process");
  assert.equal(await askUntilAnswered("w.upper.in", "abc"), `ABC|v5-${run}`);
  assert.equal(await ask("w.tag.in", "y"), "y|tag");
});

test("SIGTERM stops everything and cleans up", async () => {
  const up = JSON.parse(readFileSync(join(p.dir, ".pelato", "up.json"), "utf8")) as { natsPid: number; hostPid: number };
  process.kill(up.hostPid, 0); // alive: the check below means something
  assert.equal(await d.stop("SIGTERM"), 0);
  assert.ok(!existsSync(join(p.dir, ".pelato", "up.json")));
  assert.throws(() => process.kill(up.natsPid, 0), "the nats-server is gone");
  assert.throws(() => process.kill(up.hostPid, 0), "the host process is gone");
  const state = JSON.parse(readFileSync(join(p.dir, ".pelato", "state.json"), "utf8")) as { apps: Record<string, unknown> };
  assert.deepEqual(Object.keys(state.apps).sort(), ["tag", "upper"]);
});
