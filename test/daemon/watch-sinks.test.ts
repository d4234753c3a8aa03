// `pelatod watch --local` with data sinks: the daemon's cycle sets up the bucket and the postgres
// task's stream and consumer before it deploys them, warns of a missing table, and holds the sinks
// back (their running version keeps serving) when their set-up fails; a postgres task removed from
// the workflow takes its consumer with it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { tempProject } from "../helpers/project.js";
import { startPostgres, type Postgres } from "../helpers/postgres.js";
import { createSinkTables, expectRows, publishRange, sinkProjectFiles, SINK_TOPICS } from "../helpers/sink-project.js";
import { eventually } from "../helpers/until.js";
import { sinkStreamName } from "../../src/streams/index.js";
import { settle, spawnDaemon, type DaemonProcess } from "./helpers/daemon-process.js";

const files = sinkProjectFiles();
const project = tempProject({
  ...files,
  "workflow.yaml": `${files["workflow.yaml"]}  - {name: Latest, type: nats_to_nats-kv, code: latest.go, targets: [cloud], source_topic: rows.plain, bucket: latest_rows, component_name: latest, version: 0.1.0}\n`,
  "tasks/latest.go": "package main\n\nfunc exec_task(key string, data string) (string, string) { return \"last\", data }\n",
});
let pg: Postgres;
let d: DaemonProcess;
let nc: NatsConnection;

before(async () => {
  pg = await startPostgres();
  await createSinkTables(pg);
  d = spawnDaemon(["watch", project.dir, "--local"], { DATABASE_URL: pg.url });
  await d.waitFor((e) => e.type === "ready", { what: "ready" });
  const upJson = join(project.dir, ".pelato", "up.json");
  await eventually(async () => (existsSync(upJson) ? true : undefined), "up.json");
  nc = await connect({ servers: (JSON.parse(readFileSync(upJson, "utf8")) as { natsUrl: string }).natsUrl });
});
after(async () => {
  await nc?.close();
  await d?.stop();
  pg?.destroy();
  project.cleanup();
});

test("watch deploys the sinks with what they need: rows arrive, the bucket holds the last one, the missing table is a warning", async () => {
  await d.waitFor((e) => e.type === "cycle" && e.outcome === "ok", { what: "a first cycle" });
  assert.ok(d.events.some((e) => e.type === "sink-warning" && /missing_sink: table no_such_table does not exist/.test(String(e.message))), JSON.stringify(d.events.filter((e) => e.type.startsWith("sink"))));
  await publishRange(nc, SINK_TOPICS.plain, 0, 50);
  await expectRows(pg, "plain_rows", 50, 0);
  const kv = await new Kvm(nc).open("latest_rows");
  const last = await eventually(async () => (await kv.get("last"))?.string(), "the kv task's put");
  assert.match(last, /"seq":\d+/);
  assert.ok(!d.stderr().includes(pg.password) && !JSON.stringify(d.events).includes(pg.password), "no password in the daemon's output");
});

test("a postgres task removed from the workflow: its consumer goes, with its topic's stream, which no other sink reads; the other sinks keep theirs and go on", async () => {
  const workflow = readFileSync(join(project.dir, "workflow.yaml"), "utf8");
  const without = workflow.replace(/ {2}- name: missing_sink\n( {4}.*\n)*/, "");
  assert.notEqual(without, workflow);
  const cycle = await settle(d, project.dir, { "workflow.yaml": without });
  assert.deepEqual([cycle?.outcome, cycle?.removed], ["ok", 1]);
  const jsm = await jetstreamManager(nc);
  const streams = (await jsm.streams.names().next()).filter((n) => n.startsWith("PELATO_SINK_")).sort();
  assert.deepEqual(streams, [sinkStreamName(SINK_TOPICS.keyed), sinkStreamName(SINK_TOPICS.plain)].sort());
  assert.deepEqual((await jsm.consumers.list(sinkStreamName(SINK_TOPICS.plain)).next()).map((c) => c.name), ["plain_sink"]);
  await publishRange(nc, SINK_TOPICS.plain, 50, 60);
  await expectRows(pg, "plain_rows", 10, 50);
});
