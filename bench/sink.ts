// bench/sink: rows per second into PostgreSQL through a nats_to_postgres task, on the embedded
// default (`pelatod up`) and on a real wasmCloud host (`lattice up`'s parts, pelatod's provider),
// against a plain node-postgres insert loop of the same rows into the same database in the same
// run (one INSERT per row, awaited in turn: what a hand-written consumer does). Goal: >= 0.5x.
// The database runs with PostgreSQL's own settings (fsync on, as in production). Each round also
// reports the CPU each process spent per row (from /proc), to show where the pipeline's time goes.
// Run: npm run build && node dist/bench/sink.js      BENCH_ROWS=5000 rows per round, BENCH_CONCURRENCY=<n> the task's concurrency (default: the template's), BENCH_TOOLCHAIN=go|tinygo|auto (default auto), BENCH_TARGETS=embedded,lattice (default both)
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startLattice } from "../src/lattice/index.js";
import { CLI, REPO_ROOT, tempProject } from "../test/helpers/project.js";
import { startPostgres, type Postgres } from "../test/helpers/postgres.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 5000);
const DEADLINE_MS = 300_000;
/** The toolchain the task is built with: the default, auto (TinyGo when its container can run), unless chosen. */
const TOOLCHAIN = process.env.BENCH_TOOLCHAIN ?? "auto";
/** Where the pipeline runs: the embedded default, a real wasmCloud host, or both (the default). */
const TARGETS = (process.env.BENCH_TARGETS ?? "embedded,lattice").split(",");
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? `, concurrency: ${Number(process.env.BENCH_CONCURRENCY)}` : "";
const WORKFLOW = `project_name: Sink bench\ntasks:\n  - {name: Rows, type: nats_to_postgres, code: rows.go, targets: [cloud], source_topic: bench.rows, table: bench_rows, component_name: bench_sink, version: 0.1.0${CONCURRENCY}}\n`;
const TASK = readFileSync(join(REPO_ROOT, "test", "corpus", "tasks", "sink_rows.go"), "utf8");
const row = (seq: number) => ({ seq, doubled: seq * 2, note: `reading ${seq}` });

async function baseline(db: Postgres): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query("TRUNCATE baseline_rows");
    const t0 = performance.now();
    for (let seq = 0; seq < ROWS; seq++) {
      const r = row(seq);
      await client.query("INSERT INTO baseline_rows (seq, doubled, note) VALUES ($1, $2, $3)", [r.seq, r.doubled, r.note]);
    }
    return ROWS / ((performance.now() - t0) / 1000);
  } finally {
    await client.end();
  }
}

/** CPU time (user + system, in clock ticks) of every process on the machine, by process name. */
function cpuByProcess(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks.set(name, (ticks.get(name) ?? 0) + Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/** Where the CPU of a round went: µs per row for each process that used at least 2 % of it. */
function cpuPerRow(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const used = [...after].map(([name, t]) => [name, t - (before.get(name) ?? 0)] as const).filter(([, d]) => d > 0);
  const total = used.reduce((n, [, d]) => n + d, 0);
  const perRow = (d: number) => Math.round(((d / 100) * 1e6) / ROWS);
  return Object.fromEntries(used.filter(([, d]) => d >= total * 0.02).sort((a, b) => b[1] - a[1]).map(([name, d]) => [name, perRow(d)]));
}

let lastCpu: Record<string, number> = {};

/** Publishes ROWS messages and waits for the last row: rows per second from the first publish. */
async function throughPipeline(nc: NatsConnection, db: Postgres): Promise<number> {
  const cpu = cpuByProcess();
  await db.sql("TRUNCATE bench_rows");
  const t0 = performance.now();
  for (let seq = 0; seq < ROWS; seq++) nc.publish("bench.rows", JSON.stringify({ seq, note: `reading ${seq}` }));
  await nc.flush();
  for (;;) {
    const n = Number((await db.sql<{ n: string }>("SELECT count(*) AS n FROM bench_rows"))[0]!.n);
    if (n >= ROWS) break;
    if (performance.now() - t0 > DEADLINE_MS) throw new Error(`only ${n} of ${ROWS} rows after ${DEADLINE_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  lastCpu = cpuPerRow(cpu, cpuByProcess());
  const [check] = await db.sql<{ n: string; d: string }>("SELECT count(*) AS n, count(DISTINCT seq) AS d FROM bench_rows");
  if (Number(check!.n) !== ROWS || Number(check!.d) !== ROWS) throw new Error(`rows: ${check!.n}, distinct: ${check!.d}, expected ${ROWS}`);
  return ROWS / seconds;
}

const round = (n: number) => Number(n.toFixed(n < 10 ? 2 : 0));

async function embedded(db: Postgres): Promise<Record<string, unknown>> {
  const project = tempProject({ "workflow.yaml": WORKFLOW, "tasks/rows.go": TASK });
  const up = spawn(process.execPath, [CLI, "up", project.dir, "--toolchain", TOOLCHAIN], { env: { ...process.env, NO_COLOR: "1", DATABASE_URL: db.url }, stdio: ["ignore", "ignore", "pipe"] });
  let out = "";
  up.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  try {
    const state = join(project.dir, ".pelato", "up.json");
    for (const end = Date.now() + DEADLINE_MS; !(existsSync(state) && out.includes("Ctrl-C stops everything")); await new Promise((r) => setTimeout(r, 50))) {
      if (Date.now() > end || up.exitCode !== null) throw new Error(`up did not start:\n${out}`);
    }
    const nc = await connect({ servers: (JSON.parse(readFileSync(state, "utf8")) as { natsUrl: string }).natsUrl });
    try {
      return await compare(nc, db);
    } finally {
      await nc.close();
    }
  } finally {
    up.kill("SIGINT");
    await new Promise((r) => up.once("exit", r));
    project.cleanup();
  }
}

async function onLattice(db: Postgres): Promise<Record<string, unknown>> {
  const lattice = await startLattice({ hosts: ["cloud"], lattice: "default" });
  const project = tempProject({ "workflow.yaml": WORKFLOW, "tasks/rows.go": TASK });
  try {
    const env = { ...process.env, NATS_URL: lattice.natsUrl, PELATO_PROVIDER_NATS_URL: lattice.natsUrl, REGISTRY_URL: lattice.registry, PELATO_PROVIDERS: "builtin", DATABASE_URL: db.url };
    const r = spawnSync(process.execPath, [CLI, "brush", project.dir, "--toolchain", TOOLCHAIN, "--wait-timeout", "300"], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`brush failed: ${r.stderr}`);
    const nc = await connect({ servers: lattice.natsUrl });
    try {
      return await compare(nc, db);
    } finally {
      await nc.close();
    }
  } finally {
    await lattice.stop();
    project.cleanup();
  }
}

/** A warm-up round, then the pipeline and the baseline in turn, twice: the better of each. */
async function compare(nc: NatsConnection, db: Postgres): Promise<Record<string, unknown>> {
  await throughPipeline(nc, db);
  const pipeline: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < 2; i++) {
    pipeline.push(await throughPipeline(nc, db));
    plain.push(await baseline(db));
  }
  const p = Math.max(...pipeline);
  const b = Math.max(...plain);
  return { pipeline_rows_per_s: round(p), plain_pg_insert_loop_rows_per_s: round(b), ratio: round(p / b), pipeline_cpu_us_per_row: lastCpu };
}

const db = await startPostgres({ durable: true });
try {
  for (const t of ["bench_rows", "baseline_rows"]) await db.sql(`CREATE TABLE ${t} (seq integer NOT NULL, doubled integer, note text)`);
  const report = {
    bench: "sink",
    rows: ROWS,
    concurrency: process.env.BENCH_CONCURRENCY ?? "default",
    toolchain: TOOLCHAIN,
    ...(TARGETS.includes("embedded") ? { embedded_default: await embedded(db) } : {}),
    ...(TARGETS.includes("lattice") ? { real_wasmcloud_host: await onLattice(db) } : {}),
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  db.destroy();
}
