// The project and checks the postgres sink tests share (embedded default and real lattice): a
// sink without key, one upserting on `id`, one whose table does not exist, and the tables.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Postgres } from "./postgres.js";
import { REPO_ROOT } from "./project.js";
import { eventually } from "./until.js";

export const SINK_TOPICS = { plain: "rows.plain", keyed: "rows.keyed", missing: "rows.missing" } as const;

export function sinkProjectFiles(targets = "[cloud]"): Record<string, string> {
  const task = (name: string, topic: string, table: string, key?: string) =>
    `  - name: ${name}\n    type: nats_to_postgres\n    code: rows.go\n    targets: ${targets}\n    source_topic: ${topic}\n    table: ${table}\n${key ? `    key: ${key}\n` : ""}    component_name: ${name}\n    version: 0.1.0\n`;
  return {
    "workflow.yaml": `project_name: Sink test\ntasks:\n${task("plain_sink", SINK_TOPICS.plain, "plain_rows")}${task("keyed_sink", SINK_TOPICS.keyed, "public.Keyed_Rows", "ID")}${task("missing_sink", SINK_TOPICS.missing, "no_such_table")}`,
    "tasks/rows.go": readFileSync(join(REPO_ROOT, "test", "corpus", "tasks", "sink_rows.go"), "utf8"),
  };
}

export async function createSinkTables(pg: Postgres): Promise<void> {
  await pg.sql("CREATE TABLE plain_rows (seq integer NOT NULL, doubled integer, note text)");
  await pg.sql("CREATE TABLE keyed_rows (id integer PRIMARY KEY, seq integer NOT NULL, doubled integer, note text)");
  await pg.sql("CREATE TABLE x (v integer)");
}

export const INJECTION = "'); DROP TABLE x; --";

/** Publishes messages seq from..to-1 on the topic (flushed: the server holds them when this returns). */
export async function publishRange(nc: NatsConnection, topic: string, from: number, to: number, withId = false): Promise<void> {
  for (let seq = from; seq < to; seq++) nc.publish(topic, JSON.stringify({ ...(withId ? { id: seq } : {}), seq, note: seq === from ? INJECTION : `reading ${seq}` }));
  await nc.flush();
}

/** Publishes messages seq from..to-1 with a poison one (exec_task panics) in the middle, all at once: they are read in batches. */
export async function publishWithPoison(nc: NatsConnection, topic: string, from: number, to: number): Promise<void> {
  for (let seq = from; seq < to; seq++) {
    if (seq === Math.floor((from + to) / 2)) nc.publish(topic, JSON.stringify({ seq: -1, poison: true }));
    nc.publish(topic, JSON.stringify({ seq, note: seq === from ? INJECTION : `reading ${seq}` }));
  }
  await nc.flush();
}

/** Waits until `table` holds `rows` rows of seq from..from+rows-1, then checks each seq is there exactly once, doubled, and the injection stored verbatim. */
export async function expectRows(pg: Postgres, table: string, rows: number, from = 0, timeoutMs = 120_000): Promise<void> {
  const range = `seq >= ${from} AND seq < ${from + rows}`;
  const count = async () => Number((await pg.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${range}`))[0]!.n);
  await eventually(async () => ((await count().catch(() => -1)) >= rows ? true : undefined), `${rows} rows in ${table} (has ${await count().catch(() => "?")})`, timeoutMs, 250);
  const [stats] = await pg.sql<{ n: string; distinct_seq: string; min: number; max: number; wrong: string }>(
    `SELECT count(*) AS n, count(DISTINCT seq) AS distinct_seq, min(seq) AS min, max(seq) AS max, count(*) FILTER (WHERE doubled <> seq * 2) AS wrong FROM ${table} WHERE ${range}`,
  );
  assert.deepEqual({ n: Number(stats!.n), distinct: Number(stats!.distinct_seq), min: stats!.min, max: stats!.max, wrong: Number(stats!.wrong) }, { n: rows, distinct: rows, min: from, max: from + rows - 1, wrong: 0 }, `${table}: every message once, none twice`);
  const [first] = await pg.sql<{ note: string }>(`SELECT note FROM ${table} WHERE seq = $1`, [from]);
  assert.equal(first!.note, INJECTION, "the value is stored verbatim");
  assert.equal((await pg.sql("SELECT 1 FROM pg_class WHERE relname = 'x'")).length, 1, "table x is still there");
}
