// A PostgreSQL cluster of a test's own: initdb in a temporary folder (as the postgres user when
// the tests run as root: initdb refuses root), on a free loopback port, with a password.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { setupBinary, freePort } from "./servers.js";

export interface Postgres {
  port: number;
  /** postgresql://pelato:<password>@127.0.0.1:<port>/pelato */
  url: string;
  password: string;
  /** Runs SQL as the superuser on the test database. */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** pg_ctl stop -m fast: connections are cut, nothing half-committed stays. */
  stop(): void;
  start(): void;
  destroy(): void;
}

/** `durable`: PostgreSQL's own settings (fsync on), as in production: the benches; tests turn fsync off. */
export async function startPostgres(o: { durable?: boolean } = {}): Promise<Postgres> {
  const bin = setupBinary("postgres.sh");
  const dir = mkdtempSync(join(tmpdir(), "pelato-pg-"));
  const asRoot = process.getuid?.() === 0;
  const pgUid = asRoot ? Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()) : undefined;
  const pgGid = asRoot ? Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()) : undefined;
  const password = `pw-${Math.random().toString(36).slice(2)}'"; $x`;
  writeFileSync(join(dir, "pw"), `${password}\n`);
  chmodSync(dir, 0o700);
  if (asRoot) {
    chownSync(dir, pgUid!, pgGid!);
    chownSync(join(dir, "pw"), pgUid!, pgGid!);
  }
  const run = (tool: string, args: string[]) => execFileSync(asRoot ? "runuser" : join(bin, tool), asRoot ? ["-u", "postgres", "--", join(bin, tool), ...args] : args, { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  run("initdb", ["-D", join(dir, "data"), "-U", "pelato", "--pwfile", join(dir, "pw"), "-A", "scram-sha-256", "--no-sync"]);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${o.durable ? "" : " -c fsync=off"}`;
  const start = () => void run("pg_ctl", ["-D", join(dir, "data"), "-o", opts, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  const stop = () => void run("pg_ctl", ["-D", join(dir, "data"), "-m", "fast", "-w", "-t", "60", "stop"]);
  start();
  const base = `postgresql://pelato:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query("CREATE DATABASE pelato");
  await admin.end();
  const url = `${base}/pelato`;
  const sql = async <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query<T>(text, values)).rows;
    } finally {
      await c.end();
    }
  };
  return {
    port,
    url,
    password,
    sql,
    stop,
    start,
    destroy: () => {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
