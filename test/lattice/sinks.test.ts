// Data sinks on a real lattice (nats-server, wadm, a registry, a real wasmCloud host, as
// `lattice up` starts them): a kv task puts through wasmCloud's builtin messaging provider; the
// postgres tasks write through pelatod's own capability provider, which brush pushes and wadm places.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { jetstreamManager } from "@nats-io/jetstream";
import { startLattice, type RunningLattice } from "../../src/lattice/index.js";
import { CLI, REPO_ROOT, tempProject } from "../helpers/project.js";
import { eventually, until } from "../helpers/until.js";
import { startPostgres, type Postgres } from "../helpers/postgres.js";
import { createSinkTables, expectRows, publishRange, publishWithPoison, sinkProjectFiles, SINK_TOPICS } from "../helpers/sink-project.js";

let lattice: RunningLattice;
let pg: Postgres;
const sinks = tempProject(sinkProjectFiles());
let nc: NatsConnection;
const project = tempProject({
  "workflow.yaml": "project_name: Sinks on a lattice\ntasks:\n  - {name: Latest reading, type: nats_to_nats-kv, code: store.go, targets: [cloud], source_topic: readings.in, bucket: latest_readings, component_name: reading_store, version: 0.1.0}\n",
  "tasks/store.go": readFileSync(join(REPO_ROOT, "examples", "iot-pipeline", "tasks", "store.go"), "utf8"),
});

function pelatod(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: "1", NATS_URL: lattice.natsUrl, REGISTRY_URL: lattice.registry, PELATO_PROVIDER_NATS_URL: lattice.natsUrl, PELATO_PROVIDERS: "builtin", ...env }, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  lattice = await startLattice({ hosts: ["cloud"], lattice: "default", heartbeatSeconds: 2, cleanupSeconds: 6 });
  nc = await connect({ servers: lattice.natsUrl });
  pg = await startPostgres();
  await createSinkTables(pg);
});
after(async () => {
  await nc?.close();
  await lattice?.stop();
  pg?.destroy();
  project.cleanup();
  sinks.cleanup();
});

const hostLog = () => readFileSync(lattice.hosts[0]!.service.log, "utf8");

test("kv: brush makes the bucket and deploys the task with no key-value provider; what it stores, @nats-io/kv reads back", async () => {
  const r = pelatod(["brush", project.dir, "--wait-timeout", "120"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /bucket created latest_readings/);
  const manifest = readFileSync(join(project.dir, "gen", "reading_store", "wadm.yaml"), "utf8");
  assert.doesNotMatch(manifest, /keyvalue/);
  const kv = await new Kvm(nc).open("latest_readings");
  // The bucket exists before the first put: the task's subscription may start a moment after wadm says deployed.
  const entry = await eventually(async () => {
    nc.publish("readings.in", '{"Data":21.5}');
    return (await kv.get("sensor.readings.in")) ?? undefined;
  }, "a stored reading", 60_000, 500);
  assert.equal(entry.string(), '{"Data":21.5}');
});

test("kv: a put into a bucket deleted underneath the task is an error for that message, in the host's log", async () => {
  await (await new Kvm(nc).open("latest_readings")).destroy();
  const log = lattice.hosts[0]!.service.log;
  const before = readFileSync(log, "utf8").length;
  nc.publish("readings.in", '{"Data":1}');
  await nc.flush();
  await until(() => /put sensor\.readings\.in into bucket latest_readings: .*does the bucket exist/.test(readFileSync(log, "utf8").slice(before)), () => `no error in the host's log:\n${readFileSync(log, "utf8").slice(before).slice(-3000)}`, 60_000);
});

test("postgres: brush pushes pelatod's provider, warns of the missing table, and deploys with DATABASE_URL nowhere but the lattice's config", async () => {
  const r = pelatod(["brush", sinks.dir, "--wait-timeout", "300"], { DATABASE_URL: pg.url });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /127\.0\.0\.1:\d+\/pelato-postgres-provider:0\.1\.0-[0-9a-f]{12}/);
  assert.match(r.stderr, /warning: missing_sink: table no_such_table does not exist/);
  const gen = ["plain_sink", "keyed_sink", "missing_sink"].map((c) => readFileSync(join(sinks.dir, "gen", c, "wadm.yaml"), "utf8")).join("\n");
  assert.match(gen, /name: plain_sink-database\n/);
  for (const text of [r.stdout, r.stderr, gen]) assert.ok(!text.includes(pg.password) && !text.includes(encodeURIComponent(pg.password)), "no password");
});

test("postgres on a lattice: 1000 messages give 1000 rows, no batch failing on its way; a value holding SQL is stored verbatim", async () => {
  const from = hostLog().length;
  await publishRange(nc, SINK_TOPICS.plain, 0, 1000);
  await expectRows(pg, "plain_rows", 1000, 0);
  // A batch that fails as a whole still gets its rows in, message by message: only the log tells.
  assert.doesNotMatch(hostLog().slice(from), /batch failed|not handed to the component|failed to handle invocation/);
});

test("postgres on a lattice: with a key, every message sent twice still gives 1000 rows", async () => {
  await publishRange(nc, SINK_TOPICS.keyed, 0, 1000, true);
  await publishRange(nc, SINK_TOPICS.keyed, 0, 1000, true);
  await expectRows(pg, "keyed_rows", 1000, 0);
});

test("postgres on a lattice: with the database stopped for 10 s in the middle, every row is there afterwards, none of them twice (upserted on its key: a commit whose answer the outage cut is retried harmlessly)", async () => {
  await publishRange(nc, SINK_TOPICS.keyed, 1000, 1300, true);
  await expectRows(pg, "keyed_rows", 300, 1000);
  const from = hostLog().length;
  pg.stop();
  await publishRange(nc, SINK_TOPICS.keyed, 1300, 1700, true);
  await new Promise((r) => setTimeout(r, 10_000)); // the outage the test chose: 10 s
  pg.start();
  await publishRange(nc, SINK_TOPICS.keyed, 1700, 2000, true);
  await expectRows(pg, "keyed_rows", 1000, 1000);
  assert.ok(/rows of \d+ message\(s\) not written, retrying: unexpected: /.test(hostLog().slice(from)), "the outage was met and retried");
});

test("postgres on a lattice: a message whose exec_task traps holds back none of the others read in the same batch, and is dropped with the trap in the log", async () => {
  const from = hostLog().length;
  await publishWithPoison(nc, SINK_TOPICS.plain, 6000, 6200);
  await expectRows(pg, "plain_rows", 200, 6000);
  await until(() => /message dropped: exec_task: (panic: )?a poison reading|message dropped: the component failed on it 5 times/.test(hostLog().slice(from)), () => `the poison message was not dropped:\n${hostLog().slice(from).slice(-3000)}`, 90_000);
});

test("postgres on a lattice: a message for a missing table waits, with a clear error in the host's log; the password is in no log", async () => {
  const from = hostLog().length;
  nc.publish(SINK_TOPICS.missing, JSON.stringify({ seq: 1 }));
  await until(() => /rows of 1 message\(s\) not written until the table, column, unique index or permission they need exists, retrying: invalid-query: .*relation \\?"no_such_table\\?" does not exist.*42P01/.test(hostLog().slice(from)), () => `no error for the missing table in:\n${hostLog().slice(from).slice(-3000)}`, 60_000);
  const logs = readdirSync(lattice.dir).filter((f) => f.endsWith(".log")).map((f) => readFileSync(join(lattice.dir, f), "utf8")).join("\n");
  assert.ok(!logs.includes(pg.password) && !logs.includes(encodeURIComponent(pg.password)), "no password in the lattice's logs");
});

test("remove takes the postgres tasks' DATABASE_URL configs, consumers and streams with them", async () => {
  const configOf = async (name: string) => JSON.parse((await nc.request(`wasmbus.ctl.v1.default.config.get.${name}`, "", { timeout: 5000 })).string()) as { success: boolean; response?: Record<string, string> };
  assert.equal((await configOf("plain_sink-database")).response?.DATABASE_URL, pg.url, "put by brush");
  const jsm = await jetstreamManager(nc);
  const sinkStreams = async () => (await jsm.streams.names().next()).filter((n) => n.startsWith("PELATO_SINK_"));
  assert.equal((await sinkStreams()).length, 3);
  const r = pelatod(["remove", sinks.dir]);
  assert.equal(r.code, 0, r.stderr);
  for (const c of ["plain_sink", "keyed_sink", "missing_sink"]) assert.equal((await configOf(`${c}-database`)).response?.DATABASE_URL, undefined, `${c}'s config is gone`);
  assert.deepEqual(await sinkStreams(), []);
});
