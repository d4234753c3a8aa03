import type { NatsConnection } from "@nats-io/nats-core";
import pg from "pg";
import type { DatabaseSettings, ResolvedConfig } from "../config/index.js";
import { InputError } from "../errors.js";
import { databaseConfigName, TEMPLATES } from "../render/index.js";
import { jetStreamDomain } from "../sites.js";
import { ensureSinks, planSinks, type SinkPlan, type SinkSetUpOptions } from "../streams/index.js";
import { putNamedConfig } from "../wadm/index.js";
import type { Project, Task } from "../workflow/index.js";

export interface SinksSetUp {
  plan: SinkPlan;
  /** What the user should know before messages flow: a missing table or column, an unreachable database. */
  warnings: string[];
}

export interface SinkSetUpStageOptions {
  timeoutMs: number;
  /** On a lattice: where the postgres tasks' DATABASE_URL is put as a named config. */
  lattice?: string;
  onStep?: SinkSetUpOptions["onStep"];
}

/** The project's postgres tasks need DATABASE_URL: validate and every deploy say so the same way. */
export function requireDatabase(project: Project, config: ResolvedConfig): void {
  const tasks = postgresTasks(project);
  if (tasks.length > 0 && !config.database) {
    throw new InputError([{ file: "environment", message: `DATABASE_URL: not set; ${tasks.map((t) => t.component_name).join(", ")} write into PostgreSQL (postgresql://user:password@host:port/database, in the environment or .env)` }]);
  }
}

/** The postgres tasks of a project. */
export function postgresTasks(project: Project): Task[] {
  return project.tasks.filter((t) => TEMPLATES[t.type].sink === "postgres");
}

/**
 * Before the sinks are deployed (on the embedded default or a lattice): the kv tasks' buckets and
 * the postgres tasks' streams and consumers, in the lattice's JetStream domain; on a lattice, the
 * DATABASE_URL as a named config the manifests only name; then a look at the tables.
 */
export async function setUpSinks(nc: NatsConnection, project: Project, config: ResolvedConfig, o: SinkSetUpStageOptions): Promise<SinksSetUp> {
  const plan = planSinks(project);
  const tasks = postgresTasks(project);
  requireDatabase(project, config);
  // The provider has no TLS yet: a URL that demands it would fail every message on the lattice.
  const sslmode = config.database ? new URL(config.database.url.reveal()).searchParams.get("sslmode") : null;
  if (o.lattice !== undefined && tasks.length > 0 && sslmode && ["require", "verify-ca", "verify-full"].includes(sslmode)) {
    throw new InputError([{ file: "environment", message: `DATABASE_URL: sslmode=${sslmode}, but pelatod's PostgreSQL provider connects without TLS (the embedded default, through node-postgres, has it); nothing was deployed` }]);
  }
  const domain = jetStreamDomain(config);
  await ensureSinks(nc, plan, { project: project.name, timeoutMs: o.timeoutMs, ...(domain ? { domain } : {}), ...(o.onStep ? { onStep: o.onStep } : {}) });
  if (o.lattice !== undefined) {
    for (const t of tasks) await putNamedConfig(nc, o.lattice, databaseConfigName(t.component_name), { DATABASE_URL: config.database!.url.reveal() }, o.timeoutMs);
  }
  const warnings = tasks.length > 0 ? await checkTables(config.database!, tasks, o.timeoutMs) : [];
  return { plan, warnings };
}

/** Whether each task's table (and key column) exists; never creates or alters anything. */
export async function checkTables(database: DatabaseSettings, tasks: readonly Task[], timeoutMs: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url.reveal(), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    return [`cannot reach ${database.display} (${(err as Error).message}): the postgres tasks' messages wait in their streams until it answers`];
  }
  const warnings: string[] = [];
  try {
    for (const t of tasks) {
      const table = t.table!.split(".").map((p) => `"${p.toLowerCase()}"`).join(".");
      const found = await client.query<{ oid: string | null }>("SELECT to_regclass($1)::oid::text AS oid", [table]);
      const oid = found.rows[0]?.oid;
      if (!oid) {
        warnings.push(`${t.component_name}: table ${t.table} does not exist in ${database.display}: its messages wait in their stream (within its limits) until it is created; pelatod never creates or alters tables`);
        continue;
      }
      if (t.key === undefined) continue;
      const key = await client.query("SELECT 1 FROM pg_attribute WHERE attrelid = $1::oid AND attname = $2 AND NOT attisdropped", [oid, t.key.toLowerCase()]);
      if (key.rowCount === 0) warnings.push(`${t.component_name}: table ${t.table} has no column ${t.key} (the task's key): its messages wait in their stream until it is added`);
    }
  } catch (err) {
    warnings.push(`could not check the tables in ${database.display}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
  return warnings;
}
