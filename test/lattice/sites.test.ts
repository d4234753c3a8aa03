// The continuum on one machine, as `pelatod lattice up --sites` starts it: a hub (cloud) and two
// edge sites, each in its own network namespace with its own NATS server and wasmCloud host, the
// edges joined to the hub as leaf nodes through toxiproxy. The example is brushed onto it once,
// from the hub; links are cut and spoiled with `pelatod lattice link`, as a user would.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { collectUntil } from "../helpers/collect.js";
import { pelatod } from "../helpers/cli.js";
import { CLI, EXAMPLE, tempProject } from "../helpers/project.js";
import { eventually } from "../helpers/until.js";
import { spawnDaemon, writeAtomic } from "../daemon/helpers/daemon-process.js";
import { sitesLastSeen } from "../../src/wadm/index.js";

interface UpDoc {
  sites: Array<{ name: string; tier: string; hub: boolean; natsUrl: string; jsDomain: string; address: string; hostId: string }>;
  registryUrl: string;
  crossingTopics: Record<string, string[]>;
  export: Record<string, string>;
  logs: string;
}

const project = tempProject({ "tasks/echo.go": "package main\n\nfunc exec_task(arg string) string { return arg }\n" }, EXAMPLE);
let up: ChildProcess;
let doc: UpDoc;
let namespaces: string[] = [];
const connections = new Map<string, NatsConnection>();
const site = (name: string) => doc.sites.find((s) => s.name === name)!;
const nats = (name: string) => connections.get(name)!;
const cli = (args: string[]) => pelatod(args, { env: doc.export });

before(async () => {
  appendFileSync(join(project.dir, "workflow.yaml"), "  - {name: Both tiers, type: processor_nats, code: echo.go, targets: [edge, cloud], source_topic: both.in, dest_topic: both.out, component_name: both_tiers, version: 0.1.0}\n");
  up = spawn(process.execPath, [CLI, "lattice", "up", "--sites", "cloud,edge-1,edge-2", "--project", project.dir, "--heartbeat", "2", "--cleanup", "6", "--json"], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  up.stdout!.on("data", (d: Buffer) => (out += d));
  up.stderr!.on("data", (d: Buffer) => (err += d));
  const exited = new Promise((r) => up.once("exit", r));
  doc = await Promise.race([
    eventually(async () => (out.trim().endsWith("}") ? (JSON.parse(out) as UpDoc) : undefined), "lattice up's JSON document", 300_000),
    exited.then(() => assert.fail(`lattice up exited early:\n${err}`)),
  ]);
  namespaces = doc.sites.map((s) => `pelato-${s.address.split(".")[2]}-${s.name}`);
  for (const s of doc.sites) connections.set(s.name, await connect({ servers: s.natsUrl }));
});

after(async () => {
  for (const nc of connections.values()) await nc.close();
  if (up.exitCode === null) up.kill("SIGKILL");
  project.cleanup();
});

test("lattice up --sites: one document with every site (reachable NATS URL, tier, JetStream domain), the registry and what to export", async () => {
  assert.deepEqual(doc.sites.map((s) => [s.name, s.tier, s.hub, s.jsDomain]), [["cloud", "cloud", true, "cloud"], ["edge-1", "edge", false, "edge-1"], ["edge-2", "edge", false, "edge-2"]]);
  for (const s of doc.sites) assert.ok((await nats(s.name).rtt()) >= 0, `${s.natsUrl} answers from here`);
  assert.deepEqual(doc.crossingTopics, { edge: ["living_room_kelvin_data"] });
  assert.equal(doc.export.PELATO_SITES, "cloud:cloud,edge-1:edge,edge-2:edge");
  assert.equal(doc.export.PELATO_PROVIDER_NATS_URL, undefined, "each site's providers use their own site's server");
  // Each leaf reaches the hub only through its link: the hub does not advertise itself to them.
  const varz = (await (await fetch(`http://${site("edge-1").address}:8222/varz`, { signal: AbortSignal.timeout(10_000) })).json()) as { leaf: { remotes: Array<{ url?: string; urls?: string[]; deny?: { exports: string[]; imports: string[] } }> } };
  assert.deepEqual(varz.leaf.remotes[0]!.deny, { exports: ["living_room_kelvin_data"], imports: ["living_room_kelvin_data"] });
});

test("brushed once from the hub: each task runs on its tier's hosts, and a POST to edge-1's producer comes out filtered in the cloud", async () => {
  const r = cli(["brush", project.dir, "--wait-timeout", "180", "--json"]);
  assert.equal(r.code, 0, diagnose(r));
  const brushed = JSON.parse(r.stdout) as { deployed: boolean; streams: Array<{ topic: string; from: string[]; to: string }> };
  assert.deepEqual(brushed.streams.map((s) => [s.topic, s.from, s.to]), [["living_room_kelvin_data", ["edge-1", "edge-2"], "cloud"]]);
  const seen = await sitesLastSeen(nats("cloud"), "cloud", "default", 5000);
  assert.deepEqual([...seen.keys()].sort(), ["cloud", "edge-1", "edge-2"], "wadm has heard from a host of each site");
  for (const [name, at] of seen) assert.ok(Date.now() - Date.parse(at) < 60_000, `${name} last seen ${at}`);
  const inventory = await inventories();
  assert.deepEqual(inventory.get("cloud"), ["both_tiers", "temp_filter"]);
  assert.deepEqual(inventory.get("edge-1"), ["both_tiers", "celsius_to_kelvin_conversion"]);
  assert.deepEqual(inventory.get("edge-2"), ["both_tiers", "celsius_to_kelvin_conversion"]);
  for (const edge of ["edge-1", "edge-2"]) {
    const got = await collectUntil(nats("cloud"), "filtered_kelvin_data", async () => {
      const res = await fetch(`http://${site(edge).address}:8000/`, { method: "POST", body: `{"Data":21.5,"Name":"${edge}"}`, signal: AbortSignal.timeout(10_000) });
      assert.equal(res.status, 200);
    }, (g) => g.length > 0, 60_000);
    assert.deepEqual(got, [`{"Data":294.65,"Name":"${edge}"}`]);
  }
});

for (const spoiled of [false, true]) {
  test(`edge-1's link cut for 30 s${spoiled ? " with 200 ms latency and 5 % of connections reset" : ""} at 10 POSTs/s: every POST answered at the edge, every reading in the cloud once, in order; nothing moved or restarted`, async (t) => {
    // Whatever happens below, the next test finds the link whole.
    t.after(() => {
      for (const args of [["up"], ["latency", "0"], ["reset-peer", "0"]]) cli(["lattice", "link", "edge-1", ...args]);
    });
    if (spoiled) {
      assert.equal(cli(["lattice", "link", "edge-1", "latency", "200"]).code, 0);
      assert.equal(cli(["lattice", "link", "edge-1", "reset-peer", "5"]).code, 0);
    }
    const before = await inventories(true);
    const tag = spoiled ? "s" : "c";
    const crossed: string[] = [];
    const filtered: string[] = [];
    const subs = [nats("cloud").subscribe("living_room_kelvin_data", { callback: (_e, m) => void crossed.push(m.string()) }), nats("cloud").subscribe("filtered_kelvin_data", { callback: (_e, m) => void filtered.push(m.string()) })];
    await nats("cloud").flush();
    const sent: string[] = [];
    const answers: Array<{ status: number; body: string }> = [];
    let stopAt = Infinity;
    // 10 readings a second, each POSTed once the one before it was answered.
    const sender = (async () => {
      for (let i = 0; sent.length < stopAt; i++) {
        const next = Date.now() + 100;
        const res = await fetch(`http://${site("edge-1").address}:8000/`, { method: "POST", body: `{"Data":${i % 100},"Name":"${tag}${i}"}`, signal: AbortSignal.timeout(10_000) });
        answers.push({ status: res.status, body: (await res.text()).trim() });
        sent.push(`{"Data":${(i % 100) + 273.15},"Name":"${tag}${i}"}`);
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
    })();
    await eventually(async () => (sent.length >= 30 ? true : undefined), "30 readings before the cut", 60_000);
    assert.equal(cli(["lattice", "link", "edge-1", "down"]).code, 0);
    const cutAt = sent.length;
    await eventually(async () => (sent.length >= cutAt + 300 ? true : undefined), "300 readings during the cut", 120_000);
    // wadm lost edge-1's host meanwhile (heartbeat 2 s, cleanup 6 s): it must not have moved its tasks.
    assert.deepEqual((await inventories(false, ["cloud"])).get("cloud"), ["both_tiers", "temp_filter"], "nothing of the edge moved to the cloud");
    if (!spoiled) {
      const during = status();
      assert.deepEqual(during.sites.map((x) => [x.name, x.reachable, x.lastSeen !== undefined]), [["cloud", true, true], ["edge-1", false, true], ["edge-2", true, true]]);
      assert.deepEqual(during.crossings.map((c) => [c.site, c.backlog]), [["edge-1", undefined], ["edge-2", 0]], "edge-1's backlog cannot be known from the hub while its link is down");
    }
    assert.equal(cli(["lattice", "link", "edge-1", "up"]).code, 0);
    stopAt = sent.length + 30;
    await sender;
    await eventually(async () => (crossed.length >= sent.length ? true : undefined), `all ${sent.length} readings in the cloud`, 120_000);
    await eventually(async () => (filtered.length >= sent.length ? true : undefined), `all ${sent.length} filtered`, 60_000);
    subs.forEach((s) => s.unsubscribe());
    assert.deepEqual(answers.filter((a, i) => a.status !== 200 || a.body !== sent[i]), [], "every POST answered with its result");
    assert.deepEqual(crossed, sent, "each reading crossed once, in the order it was sent");
    assert.deepEqual([...filtered].sort(), [...sent].sort(), "each reading filtered once");
    if (!spoiled) {
      // Everything arrived, so the hub's lag is 0 as soon as it has stored the last of them.
      const drained = await eventually(async () => {
        const st = status();
        return st.crossings.every((c) => c.backlog === 0) ? st : undefined;
      }, "a backlog of 0 once everything crossed", 30_000);
      assert.deepEqual(drained.crossings.map((c) => [c.site, c.backlog, c.dropped]), [["edge-1", 0, 0], ["edge-2", 0, 0]]);
      assert.deepEqual(drained.leafLinks, [{ site: "edge-1", missing: [] }, { site: "edge-2", missing: [] }], "both links deny the crossing topic");
    }
    const afterwards = await inventories(true);
    assert.deepEqual(afterwards, before, "the same components on the same hosts, none restarted");
  });
}

test("a task on [edge, cloud] keeps answering at the edge with its link down, and in the cloud", async () => {
  assert.equal(cli(["lattice", "link", "edge-2", "down"]).code, 0);
  try {
    const atEdge = await collectUntil(nats("edge-2"), "both.out", () => nats("edge-2").publish("both.in", "at the edge"), (g) => g.length > 0, 30_000);
    assert.deepEqual(atEdge, ["at the edge"]);
    const atHub = await collectUntil(nats("cloud"), "both.out", () => nats("cloud").publish("both.in", "in the cloud"), (g) => g.length > 0, 30_000);
    assert.deepEqual(atHub, ["in the cloud"]);
  } finally {
    assert.equal(cli(["lattice", "link", "edge-2", "up"]).code, 0);
  }
});

test("watch from the hub: an edit of the cloud's task redeploys it with its crossings in place, and still does while an edge's link is down", async () => {
  const d = spawnDaemon(["watch", project.dir, "--metrics", "off"], doc.export);
  const filterGo = join(project.dir, "tasks", "filter.go");
  const original = readFileSync(filterGo, "utf8");
  try {
    await d.waitFor((e) => e.type === "ready", { what: "ready", timeoutMs: 300_000 });
    for (const [threshold, cut] of [[401, false], [402, true]] as const) {
      if (cut) assert.equal(cli(["lattice", "link", "edge-2", "down"]).code, 0);
      const from = d.mark();
      writeAtomic(filterGo, original.replace("r.Data > 400", `r.Data > ${threshold}`));
      const cycle = await d.waitFor((e) => e.type === "cycle" && e.outcome !== "noop" && e.outcome !== "superseded", { from, what: "a cycle", timeoutMs: 180_000 });
      assert.ok(d.since(from, "deployed").some((e) => e.app === "temp_filter"), JSON.stringify(d.since(from)));
      if (!cut) assert.deepEqual(d.since(from, "crossings").map((e) => e.topics), [["living_room_kelvin_data"]]);
      else {
        assert.match(String(d.since(from, "crossings-failed")[0]?.message), /domain "edge-2" cannot be reached/);
        assert.equal(cycle.retryInMs !== undefined, true, "the crossings are tried again");
      }
    }
  } finally {
    cli(["lattice", "link", "edge-2", "up"]);
    writeAtomic(filterGo, original);
    await d.stop();
  }
});

test("limits: an edge that keeps less than its outage says, at the edge, how many readings it dropped before they crossed", async () => {
  appendFileSync(join(project.dir, "workflow.yaml"), "store_and_forward:\n  topics:\n    living_room_kelvin_data: {max_bytes: 1024}\n");
  const r = cli(["brush", project.dir, "--wait-timeout", "180", "--json"]);
  assert.equal(r.code, 0, diagnose(r));
  // The test before cut and restored edge-2's link. Once, in CI, edge-2's HTTP server then closed
  // this test's first POST unanswered (probably while its host took its links again from wadm).
  // So before the cut, a reading POSTed at edge-2 is answered and crosses: the edge serves again.
  const ready = '"Name":"ready"';
  await collectUntil(nats("cloud"), "living_room_kelvin_data", () => postUntilAnswered(`http://${site("edge-2").address}:8000/`, `{"Data":1,${ready}}`), (g) => g.some((m) => m.includes(ready)), 60_000);
  assert.equal(cli(["lattice", "link", "edge-2", "down"]).code, 0);
  const names = Array.from({ length: 40 }, (_, i) => `lim${i}`);
  try {
    for (const name of names) {
      const res = await fetch(`http://${site("edge-2").address}:8000/`, { method: "POST", body: `{"Data":1,"Name":"${name}"}`, signal: AbortSignal.timeout(10_000) }).catch((err: Error) => assert.fail(`POST ${name} at edge-2: ${err.message} (${String((err.cause as Error | undefined)?.message)})\n${diagnose({ stdout: "", stderr: "" })}`));
      assert.equal(res.status, 200);
    }
    const atEdge = pelatod(["status", project.dir], { env: { ...doc.export, NATS_URL: site("edge-2").natsUrl, NATS_TIMEOUT_MS: "1500" } });
    assert.equal(atEdge.code, 1, "wadm cannot answer at the edge while its link is down");
    const line = atEdge.stdout.split("\n").find((l) => l.includes("from edge-2")) ?? "";
    const dropped = Number(/at least (\d+) dropped by the limits before crossing/.exec(line)?.[1]);
    assert.ok(dropped > 0 && dropped < names.length, `${atEdge.stdout}\n${atEdge.stderr}`);
    assert.match(line, /near its limits/);
    assert.match(atEdge.stdout, /edge-2 +edge +leaf +reachable/);
    assert.match(atEdge.stdout, /cloud +cloud +hub +unreachable/);
    const crossed = await collectUntil(nats("cloud"), "living_room_kelvin_data", () => void assert.equal(cli(["lattice", "link", "edge-2", "up"]).code, 0), (g) => g.some((m) => m.includes("lim39")), 60_000);
    const arrived = crossed.filter((m) => m.includes('"lim'));
    assert.equal(arrived.length, names.length - dropped, "what status called dropped is exactly what never arrived");
  } finally {
    cli(["lattice", "link", "edge-2", "up"]);
  }
});

test("a task on [edge, cloud] keeps serving an edge whose host died: the cloud's instance answers across the link", async () => {
  const ns = namespaces[1]!;
  const host = spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).find((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("wasmcloud"));
  assert.ok(host, `edge-1's wasmCloud host runs in ${ns}`);
  process.kill(Number(host), "SIGKILL");
  // What reached the host as it died is lost with it (bench/failover measures that); the messages after it are answered.
  let n = 0;
  const timer = setInterval(() => nats("edge-1").publish("both.in", `m${n++}`), 300);
  // Where messages get to, for the failure message: the hub sees both.in when the leaf forwards it.
  const atHub = { in: 0, out: 0 };
  const watch = [nats("cloud").subscribe("both.in", { callback: () => void atHub.in++ }), nats("cloud").subscribe("both.out", { callback: () => void atHub.out++ })];
  try {
    const got = await collectUntil(nats("edge-1"), "both.out", () => {}, (g) => g.length >= 3, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; published ${n} at edge-1, the hub saw ${atHub.in} on both.in and ${atHub.out} on both.out\n${diagnose({ stdout: "", stderr: "" })}`);
    });
    const seq = got.map((m) => Number(m.slice(1)));
    assert.deepEqual(seq.slice(-3), [0, 1, 2].map((i) => seq.at(-3)! + i), `consecutive messages answered: ${got.join(" ")}`);
  } finally {
    clearInterval(timer);
    watch.forEach((w) => w.unsubscribe());
  }
});

test("lattice link refuses the hub, an unknown site and a bad value, naming what it accepts", () => {
  const hub = cli(["lattice", "link", "cloud", "down"]);
  assert.equal(hub.code, 2);
  assert.match(hub.stderr, /cloud is the hub.*edge-1, edge-2/);
  assert.match(cli(["lattice", "link", "edge-9", "down"]).stderr, /no site "edge-9".*cloud, edge-1, edge-2/);
  assert.match(cli(["lattice", "link", "edge-1", "latency", "fast"]).stderr, /whole number from 0/);
});

test("Ctrl-C (SIGTERM) stops every site: no process, namespace or link left", async () => {
  const pids = namespaces.flatMap((ns) => spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number));
  // 3 NATS servers, 2 hosts (edge-1's was killed above), 2 links, wadm and the registry.
  assert.ok(pids.length >= 9, `servers, hosts, links, wadm and registry run: ${pids.join(" ")}`);
  for (const nc of connections.values()) await nc.close();
  connections.clear();
  up.kill("SIGTERM");
  const code = await new Promise((r) => (up.exitCode !== null ? r(up.exitCode) : up.once("exit", r)));
  assert.equal(code, 0);
  assert.deepEqual(pids.filter((p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, "utf8").includes(") Z ")), [], "every process of every site is gone");
  const left = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
  for (const ns of namespaces) assert.ok(!left.includes(ns), `${ns} removed`);
  assert.ok(!spawnSync("ip", ["link"], { encoding: "utf8" }).stdout.includes(`pl${doc.sites[0]!.address.split(".")[2]}h`), "the host's link to the sites removed");
});

/** POSTs until the server answers (a connection closed unanswered is tried again, 250 ms apart, for 30 s); the answer must be 200. */
async function postUntilAnswered(url: string, body: string): Promise<void> {
  const res = await eventually(() => fetch(url, { method: "POST", body, signal: AbortSignal.timeout(10_000) }).catch(() => undefined), `an answer from ${url}`, 30_000, 250);
  assert.equal(res.status, 200, await res.text());
}

/** What a failed command said, and the end of each service's log: wadm and the hosts say why a deploy did not converge. */
function diagnose(r: { stdout: string; stderr: string }): string {
  const logs = readdirSync(doc.logs).filter((f) => f.endsWith(".log")).map((f) => `--- ${f}\n${readFileSync(join(doc.logs, f), "utf8").split("\n").slice(-15).join("\n")}`);
  return [r.stderr, r.stdout.slice(-4000), ...logs].join("\n");
}

function status(): { sites: Array<{ name: string; reachable: boolean; lastSeen?: string }>; crossings: Array<{ site: string; backlog?: number; dropped: number }>; leafLinks: unknown } {
  const r = cli(["status", project.dir, "--json"]);
  assert.equal(r.code, 0, diagnose(r));
  return JSON.parse(r.stdout);
}

/** Each site's components (names, sorted); with `ids`, their hosts' ids and the components' start revisions too. */
async function inventories(ids = false, sites = doc.sites.map((s) => s.name)): Promise<Map<string, unknown>> {
  const result = new Map<string, unknown>();
  for (const s of doc.sites.filter((x) => sites.includes(x.name))) {
    const reply = await nats("cloud").request(`wasmbus.ctl.v1.default.host.get.${s.hostId}`, "", { timeout: 5000 });
    const inv = reply.json<{ response: { components: Array<{ name?: string; id: string; revision: number; max_instances: number }> } }>().response;
    const comps = inv.components.map((c) => (ids ? `${c.id}@${c.revision}x${c.max_instances}` : c.id.split("-")[0]!)).sort();
    result.set(s.name, ids ? [s.hostId, comps] : comps);
  }
  return result;
}
