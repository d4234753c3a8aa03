import pg from "pg";
import type { Secret } from "../config/index.js";

/** A parameter or column value as it crosses from a worker: what JSON can carry. */
export type PlainValue = string | number | boolean | null;

/** wasmcloud:postgres's query-error, as jco lowers it from a thrown value. */
export interface QueryErrorValue {
  tag: "invalid-params" | "invalid-query" | "unexpected";
  val: string;
}

export type QueryAnswer = { rows: [string, PlainValue][][] } | { error: QueryErrorValue };

const CONNECT_TIMEOUT_MS = 2000;
/** Under the default message time-out (5 s): a hung database fails the message, not the instance. */
const QUERY_TIMEOUT_MS = 4000;

/**
 * What the wasmcloud:postgres provider does, for the local host: one pool on DATABASE_URL,
 * statements run with bound parameters, errors sorted as the provider sorts them.
 */
export class Database {
  #pool: pg.Pool;

  constructor(url: Secret) {
    // statement_timeout: the server gives up too, so that a statement the client stopped waiting
    // for never commits behind its back (its message is retried: that would write it twice).
    this.#pool = new pg.Pool({ connectionString: url.reveal(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS, statement_timeout: QUERY_TIMEOUT_MS - 500, query_timeout: QUERY_TIMEOUT_MS, max: 8 });
    // An idle connection the server closes (a restart) is dropped from the pool; the next query opens another.
    this.#pool.on("error", () => {});
  }

  async query(text: string, params: PlainValue[]): Promise<QueryAnswer> {
    try {
      const result = await this.#pool.query({ text, values: params, rowMode: "array" });
      const names = result.fields.map((f) => f.name);
      return { rows: (result.rows as unknown[][]).map((r) => r.map((v, i) => [names[i]!, plain(v)] as [string, PlainValue])) };
    } catch (err) {
      return { error: classify(err as Error & { code?: string }) };
    }
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => {});
  }
}

/**
 * `unexpected`: the database could not take the statement now (no connection, shutting down,
 * out of resources, a statement timeout, a serialization conflict): worth trying again. `invalid-query`: the server
 * refused it (no such table or column, a constraint, a value of the wrong type).
 */
export function classify(err: Error & { code?: string }): QueryErrorValue {
  const code = err.code;
  const sqlstate = typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const retryable = !sqlstate || /^(08|53|57P|57014|40)/.test(sqlstate);
  return { tag: retryable ? "unexpected" : "invalid-query", val: sqlstate ? `${err.message} (SQLSTATE ${sqlstate})` : err.message };
}

function plain(v: unknown): PlainValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString("base64");
  return JSON.stringify(v);
}
