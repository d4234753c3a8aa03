// `pelatod serve --local`: the `pelato` micro service on real NATS with real components. Signed
// requests from an allowed nkey redeploy; everything else is refused with its reason.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createUser } from "@nats-io/nkeys";
import { connect, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { KEY_HEADER, serviceSubject, signRequest, type ServiceReply } from "../../src/daemon/index.js";
import { tempProject } from "../helpers/project.js";
import { readUpState } from "../../src/host/index.js";
import { spawnDaemon, TAG, upper, WORKFLOW, type DaemonProcess } from "./helpers/daemon-process.js";

const run = randomBytes(4).toString("hex");
const p = tempProject({ "workflow.yaml": WORKFLOW(), "tasks/upper.go": upper(`s1-${run}`), "tasks/tag.go": TAG });
// Allowed keys, one per test (each key has its own rate budget), and one that is not allowed.
const [alice, carol, erin, frank, grace, heidi, mallory] = [createUser(), createUser(), createUser(), createUser(), createUser(), createUser(), createUser()];
const seed = (kp: typeof alice) => new TextDecoder().decode(kp.getSeed());
let d: DaemonProcess;
let nc: NatsConnection;

const subject = (e: "redeploy" | "status" | "plan" | "remove") => serviceSubject("gw1", e);
const send = async (subj: string, data: Uint8Array, headers?: ReturnType<typeof signRequest>["headers"]) => nc.request(subj, data, { timeout: 120_000, ...(headers ? { headers } : {}) });
const call = async (kp: typeof alice, e: Parameters<typeof subject>[0], o: { now?: number; id?: string } = {}) => {
  const r = signRequest(seed(kp), subject(e), {}, o);
  return reply(await send(subject(e), r.data, r.headers));
};
const reply = (m: Msg) => ({ ...(JSON.parse(m.string()) as ServiceReply), errorCode: m.headers?.get("Nats-Service-Error-Code") ?? "" });

before(async () => {
  d = spawnDaemon(["serve", p.dir, "--local", "--instance", "gw1", "--metrics", "off", "--allow-key", ...[alice, carol, erin, frank, grace, heidi].map((k) => k.getPublicKey())]);
  await d.waitFor((e) => e.type === "ready", { what: "ready" });
  nc = await connect({ servers: readUpState(p.dir)!.natsUrl });
});
after(async () => {
  await nc?.close();
  await d?.stop();
  p.cleanup();
});

test("discoverable as a NATS micro service: $SRV.PING, INFO and STATS", async () => {
  const ping = (await nc.request("$SRV.PING.pelato")).json<{ name: string; type: string }>();
  assert.deepEqual([ping.name, ping.type], ["pelato", "io.nats.micro.v1.ping_response"]);
  const info = (await nc.request("$SRV.INFO.pelato")).json<{ endpoints: { name: string; subject: string }[]; metadata: Record<string, string> }>();
  assert.deepEqual(info.endpoints.map((e) => [e.name, e.subject]), ["redeploy", "status", "plan", "remove"].map((n) => [n, `pelato.gw1.${n}`]));
  assert.equal(info.metadata.instance, "gw1");
  const stats = (await nc.request("$SRV.STATS.pelato")).json<{ endpoints: { name: string; num_requests: number }[] }>();
  assert.deepEqual(stats.endpoints.map((e) => e.name), ["redeploy", "status", "plan", "remove"]);
});

test("status, plan (a dry run) and redeploy from an allowed key; serve alone does not watch files", async () => {
  const status = await call(alice, "status");
  assert.ok(status.ok);
  assert.deepEqual(Object.keys((status.result as { apps: object }).apps).sort(), ["tag", "upper"]);
  const from = d.mark();
  writeFileSync(join(p.dir, "tasks", "upper.go"), upper(`s2-${run}`));
  // Nothing watches: the process holds no inotify instance (chokidar's fs.watch would make one).
  const fds = readdirSync(`/proc/${d.child.pid}/fd`).map((fd) => { try { return readlinkSync(`/proc/${d.child.pid}/fd/${fd}`); } catch { return ""; } });
  assert.ok(fds.length > 0 && !fds.includes("anon_inode:inotify"), fds.join(" "));
  const plan = await call(alice, "plan");
  assert.deepEqual((plan.result as { apps: { name: string; action: string; build: boolean }[] }).apps.filter((a) => a.action !== "unchanged").map((a) => [a.name, a.action, a.build]), [["upper", "update", true]]);
  assert.equal(d.since(from, "built").length, 0, "the dry run built nothing");

  const r = signRequest(seed(alice), subject("redeploy"), {}, { id: "redeploy-0001" });
  const first = reply(await send(subject("redeploy"), r.data, r.headers));
  assert.ok(first.ok, JSON.stringify(first));
  assert.deepEqual([(first.result as { outcome: string }).outcome, (first.result as { deployed: number }).deployed], ["ok", 1]);
  assert.equal((await nc.request("w.upper.in", "abc", { timeout: 5000 })).string(), `ABC|s2-${run}`);

  const cycles = d.since(0, "cycle").length;
  const retried = reply(await send(subject("redeploy"), r.data, r.headers));
  assert.deepEqual([retried.ok, retried.duplicate, retried.result], [true, true, first.result], "a retried request gets the first answer");
  assert.equal(d.since(0, "cycle").length, cycles, "and does not redeploy twice");
});

test("unsigned, wrongly signed, replayed and disallowed requests are refused with a clear reason", async () => {
  const used = `used-${run}`;
  assert.ok((await call(erin, "status", { id: used })).ok, "an id used once, by this test");
  const from = d.mark();
  const unsigned = reply(await send(subject("redeploy"), new TextEncoder().encode(JSON.stringify({ id: "unsigned-01", ts: Date.now() }))));
  assert.deepEqual([unsigned.ok, unsigned.errorCode], [false, "401"]);
  assert.match(unsigned.error!, /unsigned request/);

  const good = signRequest(seed(erin), subject("redeploy"));
  const tampered = reply(await send(subject("redeploy"), new TextEncoder().encode(new TextDecoder().decode(good.data).replace("{}", '{"x":1}')), good.headers));
  assert.deepEqual([tampered.ok, tampered.errorCode], [false, "401"]);
  assert.match(tampered.error!, /bad signature/);

  const replayed = await call(erin, "redeploy", { now: Date.now() - 120_000 });
  assert.deepEqual([replayed.ok, replayed.errorCode], [false, "409"]);
  assert.match(replayed.error!, /replay refused: the request is 120 s old, outside the 30 s window/);

  const reused = await call(erin, "redeploy", { id: used });
  assert.deepEqual([reused.ok, reused.errorCode], [false, "409"]);
  assert.match(reused.error!, new RegExp(`request id ${used} was already used`));

  const disallowed = await call(mallory, "redeploy");
  assert.deepEqual([disallowed.ok, disallowed.errorCode], [false, "403"]);
  assert.match(disallowed.error!, new RegExp(`key ${mallory.getPublicKey()} is not on this daemon's allow-list`));

  const asErin = signRequest(seed(mallory), subject("redeploy"));
  asErin.headers.set(KEY_HEADER, erin.getPublicKey());
  assert.equal(reply(await send(subject("redeploy"), asErin.data, asErin.headers)).errorCode, "401", "a signature by another key under erin's name");
  // The daemon's events come over its stdout: give the last one a moment to arrive.
  // Refusals are logged sampled, one line per kind (code, key, reason) and 10 s: the second bad
  // signature is the tampered request's kind again, so 6 refusals make 5 lines.
  const refused = () => d.since(from, "request").filter((e) => e.outcome === "refused").length;
  await d.waitUntil(() => (refused() >= 5 ? true : undefined), { what: "5 refusal lines", timeoutMs: 10_000 });
  assert.deepEqual(d.since(from, "cycle"), [], "none of them ran a cycle");
  assert.equal(refused(), 5);
});

test("a flood of unsigned, stranger-signed and forged requests costs the key holders nothing; its refusals make a few lines", async () => {
  const from = d.mark();
  const flood: Promise<unknown>[] = [];
  const body = new TextEncoder().encode(JSON.stringify({ id: "flood-0001", ts: Date.now() }));
  for (let i = 0; i < 300; i++) flood.push(send(subject("status"), body));
  for (let i = 0; i < 100; i++) {
    const stranger = signRequest(seed(mallory), subject("status"));
    flood.push(send(subject("status"), stranger.data, stranger.headers));
    // Forged under heidi's own key: it must not spend heidi's budget either.
    const forged = signRequest(seed(mallory), subject("status"));
    forged.headers.set(KEY_HEADER, heidi.getPublicKey());
    flood.push(send(subject("status"), forged.data, forged.headers));
  }
  const signed = call(heidi, "status");
  const answers = await Promise.all(flood.map((f) => (f as Promise<Msg>).then(reply)));
  assert.ok(answers.every((a) => !a.ok && ["401", "403"].includes(a.errorCode)), JSON.stringify(answers.find((a) => a.ok || !["401", "403"].includes(a.errorCode))));
  const answer = await signed;
  assert.ok(answer.ok, JSON.stringify(answer));
  for (let i = 0; i < 4; i++) assert.ok((await call(heidi, "status")).ok, "heidi's own budget is whole");
  const lines = d.since(from, "request").filter((e) => e.outcome === "refused");
  assert.ok(lines.length <= 3, `${lines.length} lines for 500 refusals`);
});

test("rate-limited per key: a burst of 5, then refused with 429", async () => {
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await call(carol, "status"));
  assert.deepEqual(answers.map((a) => a.errorCode || "ok"), ["ok", "ok", "ok", "ok", "ok", "429"]);
  assert.match(answers[5]!.error!, /rate limited: retry in \d+ ms/);
  assert.ok((await call(frank, "status")).ok, "other keys are not held back");
});

test("remove undeploys the project's applications", async () => {
  const removed = await call(grace, "remove");
  assert.ok(removed.ok, JSON.stringify(removed));
  assert.deepEqual((removed.result as { removed: string[] }).removed.sort(), ["tag", "upper"]);
  await assert.rejects(nc.request("w.upper.in", "abc", { timeout: 1000 }));
  assert.deepEqual(JSON.parse(readFileSync(join(p.dir, ".pelato", "state.json"), "utf8")).apps, {});
});
