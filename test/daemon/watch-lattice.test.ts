// `pelatod watch` against a real nats-server, wadm and docker-registry (no wasmCloud host: wadm
// accepts the applications and waits for hosts). Pushes, wadm puts and versions are counted.
// Each test first brings the project to a state of its own (settle), so it holds alone and after
// any other; counts are taken relative to that state.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { WadmClient } from "../../src/wadm/index.js";
import { tempProject } from "../helpers/project.js";
import type { NatsServer } from "../helpers/servers.js";
import { cycleAfter, settle, spawnDaemon, TAG, upper, WORKFLOW, writeAtomic, type DaemonProcess } from "./helpers/daemon-process.js";
import { heldGo, type HeldGo } from "./helpers/held-go.js";
import { startLatticeServices, type LatticeServices } from "./helpers/lattice-services.js";
import type { RestartableRegistry } from "./helpers/restartable-registry.js";

const run = randomBytes(4).toString("hex");
/** The project with upper answering `|<marker>`. */
const project = (marker: string, o: { tagDest?: string } = {}) => ({ "workflow.yaml": WORKFLOW(o), "tasks/upper.go": upper(marker), "tasks/tag.go": TAG });
const p = tempProject(project(`v1-${run}`));
const upperGo = join(p.dir, "tasks", "upper.go");
let nats: NatsServer;
let registry: RestartableRegistry;
let services: LatticeServices;
let nc: NatsConnection;
let d: DaemonProcess;
let held: HeldGo;

const client = () => new WadmClient(nc, "default");
const deployedVersion = async (name: string) => (await client().list()).find((m) => m.name === name)?.deployed_version ?? null;
const versions = async (name: string) => (await client().versions(name)).length;
const state = () => JSON.parse(readFileSync(join(p.dir, ".pelato", "state.json"), "utf8")) as { target: string; apps: Record<string, { version: string; targetVersion?: string; imageDigest?: string }> };
/** The version wadm runs for an application the state records: its manifest is pinned to the image digest. */
const stateVersion = (name: string) => state().apps[name]!.targetVersion ?? state().apps[name]!.version;
/** Brings the project to upper answering `marker` with the default topics, deployed: what each test starts from. */
async function start(marker: string) {
  const cycle = await settle(d, p.dir, project(marker));
  assert.ok(!cycle || cycle.outcome === "ok" || cycle.outcome === "noop", JSON.stringify(cycle));
  for (const name of ["tag", "upper"]) assert.equal(await deployedVersion(name), stateVersion(name));
  return { upper: await versions("upper"), tag: await versions("tag") };
}

before(async () => {
  services = await startLatticeServices();
  ({ nats, registry } = services);
  nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  held = heldGo(`held-${run}`);
  d = spawnDaemon(["watch", p.dir, "--metrics", "off"], { NATS_URL: nats.url, REGISTRY_URL: registry.host, ...held.env });
  await d.waitFor((e) => e.type === "ready", { what: "ready", timeoutMs: 300_000 });
});
after(async () => {
  held?.cleanup();
  await d?.stop();
  await nc?.close();
  await services?.stop();
  p.cleanup();
});

test("start: both applications pushed and handed to wadm at their content versions; state says so", async () => {
  await start(`v1-${run}`);
  const s = state();
  assert.equal(s.target, "lattice:default");
  const tags = await (await fetch(`http://${registry.host}/v2/upper/tags/list`)).json();
  assert.deepEqual(tags, { name: "upper", tags: ["1.0.0"] });
  const manifest = await client().get("upper");
  const image = (manifest.spec as { components: { type: string; properties: { image: string } }[] }).components.find((c) => c.type === "component")!.properties.image;
  assert.equal(image, `${registry.host}/upper:1.0.0@${s.apps.upper!.imageDigest}`, "pinned to the digest pushed");
});

test("editing one task: only it is built, pushed and put to wadm; a no-op save then does nothing", async () => {
  const before = await start(`edit-a-${run}`);
  let from = d.mark();
  writeAtomic(upperGo, upper(`edit-b-${run}`));
  let cycle = await cycleAfter(d, from);
  assert.equal(cycle.outcome, "ok", JSON.stringify(d.since(from)));
  assert.deepEqual([d.since(from, "built").map((e) => e.app), d.since(from, "pushed").map((e) => [e.app, e.skipped]), d.since(from, "deployed").map((e) => [e.app, e.step])], [["upper"], [["upper", false]], [["upper", "put-and-deploy"]]]);
  assert.deepEqual([await versions("upper"), await versions("tag")], [before.upper + 1, before.tag]);
  assert.equal(await deployedVersion("upper"), stateVersion("upper"));

  from = d.mark();
  writeAtomic(upperGo, upper(`edit-b-${run}`));
  writeAtomic(join(p.dir, "tasks", "tag.go"), TAG);
  cycle = await cycleAfter(d, from);
  assert.deepEqual([cycle.outcome, cycle.compiled, cycle.pushed, cycle.deployed], ["noop", 0, 0, 0]);
  assert.deepEqual([await versions("upper"), await versions("tag")], [before.upper + 1, before.tag], "no wadm put");
});

test("a topic change: only that task's manifest goes to wadm; nothing is built or pushed", async () => {
  const before = await start(`topic-${run}`);
  const from = d.mark();
  writeAtomic(join(p.dir, "workflow.yaml"), WORKFLOW({ tagDest: "w.tag.moved" }));
  const cycle = await cycleAfter(d, from);
  assert.equal(cycle.outcome, "ok");
  assert.deepEqual(d.since(from, "plan").map((e) => e.apps), [[{ name: "tag", action: "update", build: false, push: false, deploy: true, reason: "manifest changed" }]]);
  assert.deepEqual([d.since(from, "built").length, d.since(from, "pushed").length], [0, 0]);
  assert.deepEqual([await versions("upper"), await versions("tag")], [before.upper, before.tag + 1]);
});

test("registry stopped during a redeploy: nothing unpushed is deployed; it converges once the registry is back", async () => {
  const { upper: count } = await start(`reg-a-${run}`);
  const before = await deployedVersion("upper");
  const from = d.mark();
  // The compile is held while the registry stops: the push that follows it cannot reach it.
  writeAtomic(upperGo, upper(held.marker));
  await held.started();
  await registry.stop();
  held.release();
  await d.waitFor((e) => e.type === "push-failed", { from, what: "push-failed", timeoutMs: 120_000 });
  const failed = await cycleAfter(d, from);
  assert.equal(failed.outcome, "failed");
  assert.ok(Number(failed.retryInMs) >= 1000, "a retry is scheduled");
  assert.equal(await deployedVersion("upper"), before, "the old version stays deployed");
  assert.equal(await versions("upper"), count, "nothing was put to wadm");
  const retried = d.mark();
  await registry.start();
  await d.waitFor((e) => e.type === "cycle" && e.outcome === "ok", { from: retried, what: "a retry that deploys", timeoutMs: 120_000 });
  assert.notEqual(await deployedVersion("upper"), before);
  assert.equal(await deployedVersion("upper"), stateVersion("upper"));
});

test("NATS server restarted during watch: the daemon reconnects, re-checks, and the next edit deploys", async () => {
  await start(`nats-a-${run}`);
  let from = d.mark();
  await nats.restart();
  await d.waitFor((e) => e.type === "nats" && e.status === "reconnected", { from, what: "reconnected", timeoutMs: 60_000 });
  const recheck = await d.waitFor((e) => e.type === "cycle" && e.trigger === "nats reconnected" && e.outcome !== "failed", { from, what: "a re-check after reconnecting", timeoutMs: 120_000 });
  assert.equal(recheck.outcome, "noop");
  from = d.mark();
  writeAtomic(upperGo, upper(`nats-b-${run}`));
  await d.waitFor((e) => e.type === "cycle" && e.outcome === "ok", { from, what: "deployed after the restart", timeoutMs: 180_000 });
  assert.equal(await deployedVersion("upper"), stateVersion("upper"));
});

test("a task removed from the workflow: its application is removed from wadm", async () => {
  await start(`rm-a-${run}`);
  const from = d.mark();
  writeAtomic(join(p.dir, "workflow.yaml"), WORKFLOW().split("\n").filter((l) => !l.includes("component_name: tag")).join("\n"));
  const cycle = await cycleAfter(d, from);
  assert.deepEqual([cycle.outcome, cycle.removed], ["ok", 1]);
  assert.deepEqual((await client().list()).map((m) => m.name), ["upper"]);
  assert.deepEqual(Object.keys(state().apps), ["upper"]);
});
