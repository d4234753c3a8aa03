// `pelatod watch --local` on the embedded default, with real components: an edit serves, a no-op
// save does nothing, broken code keeps the old version answering, a newer edit supersedes a build
// still running, the NATS server and the host process die and come back. Each test first brings
// the project to a state of its own (settle), so it holds alone and after any other.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { tempProject } from "../helpers/project.js";
import { freePort } from "../helpers/servers.js";
import { cycleAfter, settle, spawnDaemon, TAG, upper, WORKFLOW, writeAtomic, type DaemonProcess } from "./helpers/daemon-process.js";
import { heldGo, type HeldGo } from "./helpers/held-go.js";

const run = randomBytes(4).toString("hex"); // fresh sources: the machine-wide cache has never seen them
/** The project with upper answering `|<marker>` and the default topics. */
const project = (marker: string, o: { tagDest?: string } = {}) => ({ "workflow.yaml": WORKFLOW(o), "tasks/upper.go": upper(marker), "tasks/tag.go": TAG });
const p = tempProject(project(`v1-${run}`));
const upperGo = join(p.dir, "tasks", "upper.go");
let d: DaemonProcess;
let nc: NatsConnection;
let metrics: string;
let held: HeldGo;

const ask = async (subject: string, body: string) => (await nc.request(subject, body, { timeout: 5000 })).string();
/** Asks until someone answers, for at most 10 s: after a restart, the task's subscription comes back on its own schedule. */
async function askUntilAnswered(subject: string, body: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const answer = await ask(subject, body).catch(() => undefined);
    if (answer !== undefined) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nobody answered on ${subject} within 10 s`);
}
const counter = async (name: string) => Number(/ (\d+)$/m.exec((await (await fetch(`${metrics}/metrics`)).text()).split("\n").find((l) => l.startsWith(name)) ?? " 0")![1]);
const upState = () => JSON.parse(readFileSync(join(p.dir, ".pelato", "up.json"), "utf8")) as { natsUrl: string; natsPid: number; hostPid: number };
/** Brings the project to upper answering `marker` (and the given topics), and checks that it does. */
async function start(marker: string, o: { tagDest?: string } = {}) {
  const cycle = await settle(d, p.dir, project(marker, o));
  assert.ok(!cycle || cycle.outcome === "ok" || cycle.outcome === "noop", JSON.stringify(cycle));
  assert.equal(await ask("w.upper.in", "abc"), `ABC|${marker}`);
}

before(async () => {
  metrics = `http://127.0.0.1:${await freePort()}`;
  held = heldGo(`held-${run}`);
  d = spawnDaemon(["watch", p.dir, "--local", "--metrics", metrics.slice(7)], held.env);
  await d.waitFor((e) => e.type === "ready", { what: "ready" });
  nc = await connect({ servers: upState().natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
});
after(async () => {
  held?.cleanup();
  await nc?.close();
  await d?.stop();
  p.cleanup();
});

test("both tasks serve; /healthz is 200", async () => {
  await start(`v1-${run}`);
  assert.equal(await ask("w.tag.in", "x"), "x|tag");
  assert.equal((await fetch(`${metrics}/healthz`)).status, 200);
});

test("editing exec_task in one task: the new behaviour serves; only that task is rebuilt and redeployed", async () => {
  await start(`edit-a-${run}`);
  const from = d.mark();
  writeAtomic(upperGo, upper(`edit-b-${run}`));
  const cycle = await cycleAfter(d, from);
  assert.equal(cycle.outcome, "ok", JSON.stringify(cycle));
  assert.deepEqual(d.since(from, "built").map((e) => [e.app, e.cacheHit]), [["upper", false]]);
  assert.deepEqual(d.since(from, "deployed").map((e) => [e.app, e.step]), [["upper", "swapped"]]);
  assert.equal(await ask("w.upper.in", "abc"), `ABC|edit-b-${run}`);
  assert.equal(await ask("w.tag.in", "y"), "y|tag");
});

test("a save that changes nothing starts no build and no deploy", async () => {
  await start(`same-${run}`);
  const compiled = await counter('pelato_builds_total{result="compiled"}');
  const deployed = await counter('pelato_deploys_total{result="ok"}');
  const from = d.mark();
  writeAtomic(upperGo, upper(`same-${run}`));
  writeAtomic(join(p.dir, "workflow.yaml"), `# a comment only\n${WORKFLOW()}`);
  const cycle = await cycleAfter(d, from);
  assert.equal(cycle.outcome, "noop");
  assert.deepEqual([cycle.compiled, cycle.cached, cycle.pushed, cycle.deployed], [0, 0, 0, 0]);
  assert.deepEqual(d.since(from, "plan"), []);
  assert.equal(await counter('pelato_builds_total{result="compiled"}'), compiled);
  assert.equal(await counter('pelato_deploys_total{result="ok"}'), deployed);
});

test("a syntax error keeps the old version answering and points at the file; a type error too; the fix deploys", async () => {
  await start(`good-${run}`);
  let from = d.mark();
  writeAtomic(upperGo, "package main\n\nfunc exec_task(arg string) string {\n\treturn arg +\n}\n");
  const invalid = await d.waitFor((e) => e.type === "invalid", { from, what: "invalid" });
  assert.match(String(invalid.message), /tasks\/upper\.go:5:1: /);
  // The cycle ends after its invalid event: waited for, so that it is not taken for the next one.
  assert.equal((await cycleAfter(d, from)).outcome, "invalid");
  assert.equal(await ask("w.upper.in", "abc"), `ABC|good-${run}`);

  from = d.mark();
  writeAtomic(upperGo, "package main\n\nfunc exec_task(arg string) string {\n\treturn undefinedThing\n}\n");
  const failed = await d.waitFor((e) => e.type === "build-failed", { from, what: "build-failed" });
  assert.match(String(failed.message), /tasks\/upper\.go:4:9: undefined: undefinedThing/);
  assert.equal((await cycleAfter(d, from)).outcome, "failed");
  assert.equal(await ask("w.upper.in", "abc"), `ABC|good-${run}`);

  from = d.mark();
  writeAtomic(upperGo, upper(`fixed-${run}`));
  assert.equal((await cycleAfter(d, from)).outcome, "ok");
  assert.equal(await ask("w.upper.in", "abc"), `ABC|fixed-${run}`);
});

test("a newer edit cancels the build of the plan it supersedes; only the newest version deploys", async () => {
  await start(`sup-a-${run}`);
  const from = d.mark();
  writeAtomic(upperGo, upper(held.marker));
  await held.started(); // the compiler of the first plan is running, and stays so until released
  writeAtomic(upperGo, upper(`sup-c-${run}`));
  const cycle = await d.waitFor((e) => e.type === "cycle" && e.outcome === "ok", { from, what: "the newest deployed" });
  assert.deepEqual(d.since(from, "cycle").map((e) => e.outcome), ["superseded", "ok"]);
  assert.equal(cycle.compiled, 1);
  assert.deepEqual(d.since(from, "deployed").map((e) => e.app), ["upper"]);
  assert.equal(await ask("w.upper.in", "abc"), `ABC|sup-c-${run}`);
});

test("a topic change redeploys only that task's manifest, without a build", async () => {
  await start(`topic-${run}`);
  const from = d.mark();
  const out = nc.subscribe("w.tag.moved", { max: 1, timeout: 10_000 });
  writeAtomic(join(p.dir, "workflow.yaml"), WORKFLOW({ tagDest: "w.tag.moved" }));
  const cycle = await cycleAfter(d, from);
  assert.equal(cycle.outcome, "ok");
  assert.deepEqual(d.since(from, "plan").map((e) => e.apps), [[{ name: "tag", action: "update", build: false, push: false, deploy: true, reason: "manifest changed" }]]);
  assert.equal(cycle.compiled, 0);
  nc.publish("w.tag.in", "z");
  for await (const m of out) assert.equal(m.string(), "z|tag");
});

test("the embedded nats-server killed: the daemon starts it again and the pipeline answers", async () => {
  await start(`nats-${run}`);
  const from = d.mark();
  process.kill(upState().natsPid, "SIGKILL");
  await d.waitFor((e) => e.type === "nats" && e.status === "restarted", { from, what: "nats restarted", timeoutMs: 30_000 });
  await d.waitFor((e) => e.type === "nats" && e.status === "reconnected", { from, what: "reconnected", timeoutMs: 30_000 });
  assert.equal(await askUntilAnswered("w.upper.in", "abc"), `ABC|nats-${run}`);
});

test("the local host process killed: it is started again with both tasks, and the pipeline answers", async () => {
  await start(`host-${run}`);
  const before = upState().hostPid;
  const from = d.mark();
  process.kill(before, "SIGKILL");
  await d.waitFor((e) => e.type === "host-incident" && /local host process exited \(SIGKILL\); starting it again with 2 application/.test(String(e.message)), { from, what: "host restarted", timeoutMs: 30_000 });
  await d.waitUntil(() => (upState().hostPid !== before ? true : undefined), { what: "up.json naming the new host process", timeoutMs: 30_000 });
  assert.equal(await askUntilAnswered("w.upper.in", "abc"), `ABC|host-${run}`);
  assert.equal(await ask("w.tag.in", "y"), "y|tag");
});

test("SIGTERM stops everything and cleans up", async () => {
  await start(`last-${run}`);
  const up = upState();
  process.kill(up.hostPid, 0); // alive: the check below means something
  process.kill(up.natsPid, 0);
  assert.equal(await d.stop("SIGTERM"), 0);
  assert.ok(!existsSync(join(p.dir, ".pelato", "up.json")));
  assert.throws(() => process.kill(up.natsPid, 0), "the nats-server is gone");
  assert.throws(() => process.kill(up.hostPid, 0), "the host process is gone");
  const state = JSON.parse(readFileSync(join(p.dir, ".pelato", "state.json"), "utf8")) as { apps: Record<string, unknown> };
  assert.deepEqual(Object.keys(state.apps).sort(), ["tag", "upper"]);
});
