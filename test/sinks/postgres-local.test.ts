// nats_to_postgres on the embedded default, as a user runs it: `pelatod up` with DATABASE_URL,
// a PostgreSQL 15 cluster of the test's own, messages published on the topics.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { CLI, tempProject } from "../helpers/project.js";
import { startPostgres, type Postgres } from "../helpers/postgres.js";
import { createSinkTables, expectRows, publishRange, publishWithPoison, sinkProjectFiles, SINK_TOPICS } from "../helpers/sink-project.js";
import { eventually, until } from "../helpers/until.js";

let pg: Postgres;
let up: ChildProcess;
let nc: NatsConnection;
let output = "";
const project = tempProject(sinkProjectFiles());

before(async () => {
  pg = await startPostgres();
  await createSinkTables(pg);
  up = spawn(process.execPath, [CLI, "up", project.dir], { env: { ...process.env, NO_COLOR: "1", DATABASE_URL: pg.url }, stdio: ["ignore", "pipe", "pipe"] });
  up.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  up.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  const stateFile = join(project.dir, ".pelato", "up.json");
  await until(() => existsSync(stateFile) && output.includes("Ctrl-C stops everything"), () => `up did not start:\n${output}`, 120_000);
  nc = await connect({ servers: (JSON.parse(readFileSync(stateFile, "utf8")) as { natsUrl: string }).natsUrl });
});

after(async () => {
  await nc?.close();
  if (up && up.exitCode === null) {
    up.kill("SIGINT");
    await new Promise((r) => up.once("exit", r));
  }
  pg?.destroy();
  project.cleanup();
});

test("up warns at start that a task's table is missing, and never prints the password", () => {
  assert.match(output, /warning: missing_sink: table no_such_table does not exist in postgresql:\/\/127\.0\.0\.1:\d+\/pelato \(user pelato\)/);
  assert.ok(!output.includes(pg.password) && !output.includes(encodeURIComponent(pg.password)), "no password in the output");
});

test("1000 messages give 1000 rows, no batch failing on its way; a value holding SQL is stored verbatim", async () => {
  const from = output.length;
  await publishRange(nc, SINK_TOPICS.plain, 0, 1000);
  await expectRows(pg, "plain_rows", 1000, 0);
  // A batch that fails as a whole still gets its rows in, message by message: only the output tells.
  assert.doesNotMatch(output.slice(from), /batch of \d+ messages failed|a message failed/);
});

test("with a key, every message sent twice still gives 1000 rows", async () => {
  await publishRange(nc, SINK_TOPICS.keyed, 0, 1000, true);
  await publishRange(nc, SINK_TOPICS.keyed, 0, 1000, true);
  await expectRows(pg, "keyed_rows", 1000, 0);
});

test("with the database stopped for 10 s in the middle, every row is there afterwards, none of them twice (upserted on its key: a commit whose answer the outage cut is retried harmlessly)", async () => {
  await publishRange(nc, SINK_TOPICS.keyed, 1000, 1300, true);
  await expectRows(pg, "keyed_rows", 300, 1000);
  pg.stop();
  const outageStart = output.length;
  await publishRange(nc, SINK_TOPICS.keyed, 1300, 1700, true);
  await new Promise((r) => setTimeout(r, 10_000)); // the outage the test chose: 10 s
  pg.start();
  await publishRange(nc, SINK_TOPICS.keyed, 1700, 2000, true);
  await expectRows(pg, "keyed_rows", 1000, 1000);
  assert.ok(/rows of \d+ message\(s\) not written, retrying: unexpected: /.test(output.slice(outageStart)), "the outage was met and retried");
});

test("a message for a table that does not exist waits, with a clear error, and is written once the table is created", async () => {
  const from = output.length;
  nc.publish(SINK_TOPICS.missing, JSON.stringify({ seq: 1, note: "waited" }));
  await until(() => /rows of 1 message\(s\) not written until the table, column, unique index or permission they need exists, retrying: invalid-query: relation "no_such_table" does not exist \(SQLSTATE 42P01\)/.test(output.slice(from)), () => `no error for the missing table in:\n${output.slice(from)}`, 30_000);
  await pg.sql("CREATE TABLE no_such_table (seq integer, doubled integer, note text)");
  const rows = await eventually(async () => {
    const got = await pg.sql<{ note: string }>("SELECT note FROM no_such_table");
    return got.length > 0 ? got : undefined;
  }, "the row, once its table exists", 60_000, 500);
  assert.deepEqual(rows.map((r) => r.note), ["waited"]);
});

test("a message whose exec_task panics holds back none of the others read in the same batch, and is dropped with the reason", async () => {
  const from = output.length;
  await publishWithPoison(nc, SINK_TOPICS.plain, 6000, 6200);
  await expectRows(pg, "plain_rows", 200, 6000);
  // Mainline Go recovers the panic: the message is rejected. TinyGo traps: the reader drops it after the task failed on it 5 times.
  await until(() => /message dropped: exec_task: (panic: )?a poison reading|a message was dropped: the task failed on it 5 times \(.*poison reading/.test(output.slice(from)), () => `the poison message was not dropped:\n${output.slice(from).slice(-3000)}`, 60_000);
});

test("a row that can never be written (a value of the wrong type) is dropped with PostgreSQL's error; the next one is written", async () => {
  const from = output.length;
  nc.publish(SINK_TOPICS.plain, JSON.stringify({ seq: "not a number", note: "bad" }));
  await until(() => /message dropped: invalid-query: invalid input syntax for type integer: "not a number" \(SQLSTATE 22P02\)/.test(output.slice(from)), () => `no error for the bad row in:\n${output.slice(from)}`, 30_000);
  await publishRange(nc, SINK_TOPICS.plain, 5000, 5001);
  await expectRows(pg, "plain_rows", 1, 5000);
});
