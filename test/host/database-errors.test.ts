// How the local host sorts PostgreSQL's errors (the provider sorts them the same way): what a
// sink retries, and what it drops with the server's message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { classify } from "../../src/host/database.js";
import { fromColumn, toParam } from "../../src/host/pg-values.js";

const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

test("no connection, a shutdown, no resources, a conflict: unexpected (retried); what the server refuses: invalid-query (dropped), with its SQLSTATE", () => {
  for (const code of ["08006", "08001", "57P01", "57P03", "57014", "53300", "40001", "40P01"]) assert.equal(classify(pgError("x", code)).tag, "unexpected", code);
  assert.equal(classify(pgError("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")).tag, "unexpected");
  assert.equal(classify(pgError("Connection terminated unexpectedly")).tag, "unexpected");
  for (const code of ["42P01", "42703", "23505", "22P02", "23502"]) assert.equal(classify(pgError("refused", code)).tag, "invalid-query", code);
  assert.deepEqual(classify(pgError('relation "t" does not exist', "42P01")), { tag: "invalid-query", val: 'relation "t" does not exist (SQLSTATE 42P01)' });
});

test("parameters and columns cross as JSON-safe values, and back as wasmcloud:postgres values", () => {
  assert.equal(toParam({ tag: "text", val: "'); DROP TABLE x; --" }), "'); DROP TABLE x; --");
  assert.equal(toParam({ tag: "null" }), null);
  assert.equal(toParam({ tag: "int8", val: 9007199254740993n }), "9007199254740993", "big integers keep every digit");
  assert.equal(toParam({ tag: "bool", val: true }), true);
  assert.throws(() => toParam({ tag: "point", val: [] }), (e: { tag?: string }) => e.tag === "invalid-params");
  assert.deepEqual(fromColumn(42), { tag: "int8", val: 42n });
  assert.deepEqual(fromColumn("a"), { tag: "text", val: "a" });
  assert.deepEqual(fromColumn(null), { tag: "null" });
  const f = fromColumn(0.1);
  assert.equal(f.tag, "float8");
  const [mantissa, exponent, sign] = f.val as [bigint, number, number];
  assert.equal(sign * Number(mantissa) * 2 ** exponent, 0.1, "hashable-f64 round-trips");
});
