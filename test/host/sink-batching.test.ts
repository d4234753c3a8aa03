// How a postgres sink's reader batches its consumer's messages and answers JetStream for each
// (the local host's reader and pelatod's provider follow the same rules): the pure part.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ackBody, ackInfo, FAILURES_BEFORE_DROP, nextBatchLimit, retryDelayMs, SCHEMA_RETRY_MS, SINK_BATCH, SinkQueue } from "../../src/host/sink-batching.js";

const msg = (streamSeq: number, size = 10, delivered = 1) => ({ body: new Uint8Array(size), reply: `$JS.ACK.S.C.${delivered}.${streamSeq}.${streamSeq}.0.0`, streamSeq, delivered });

test("a JetStream reply subject gives the delivery count and the stream sequence, with or without a domain", () => {
  assert.deepEqual(ackInfo("$JS.ACK.PELATO_SINK_rows.plain_sink.3.1042.998.1732800000000000000.12"), { delivered: 3, streamSeq: 1042 });
  assert.deepEqual(ackInfo("$JS.ACK.hub.ABCDEF.PELATO_SINK_rows.plain_sink.2.77.70.1732800000000000000.0.xyz"), { delivered: 2, streamSeq: 77 });
  for (const not of ["", "_INBOX.abc", "$JS.ACK.S.C.x.1.1.0.0", "$JS.ACK.S.C"]) assert.equal(ackInfo(not), undefined, not);
});

test("each outcome's answer: stored acknowledged, unavailable asked again with a backoff to 4 s, a missing table every 30 s, rejected dropped", () => {
  assert.equal(ackBody({ tag: "stored" }, 1), "+ACK");
  assert.deepEqual([1, 2, 3, 4, 5, 9].map(retryDelayMs), [250, 500, 1000, 2000, 4000, 4000]);
  assert.equal(ackBody({ tag: "unavailable", val: "down" }, 2), '-NAK {"delay":500000000}');
  assert.equal(ackBody({ tag: "waiting-for-schema", val: "42P01" }, 1), `-NAK {"delay":${SCHEMA_RETRY_MS * 1e6}}`);
  assert.equal(ackBody({ tag: "rejected", val: "22P02" }, 1), "+TERM");
  assert.equal(ackBody("unreached", 3), '-NAK {"delay":1000000000}', "a component that could not be invoked: asked again");
  assert.equal(ackBody("unreached", FAILURES_BEFORE_DROP + 5), '-NAK {"delay":4000000000}', "however long it stays unreachable");
  assert.equal(ackBody("failed", FAILURES_BEFORE_DROP - 1), '-NAK {"delay":2000000000}', "a message the component failed on: asked again");
  assert.equal(ackBody("failed", FAILURES_BEFORE_DROP), "+TERM", "until it failed on it too many times");
});

test("a batch takes what waits, in order, up to its message and byte limits, and a large message alone", () => {
  const q = new SinkQueue();
  for (let s = 1; s <= SINK_BATCH.messages + 10; s++) q.add(msg(s));
  const small = new SinkQueue();
  for (let s = 1; s <= 10; s++) small.add(msg(s));
  assert.deepEqual(small.take(4).map((m) => m.streamSeq), [1, 2, 3, 4], "the limit the reader asks for");
  const first = q.take();
  assert.deepEqual([first.length, first[0]!.streamSeq, first.at(-1)!.streamSeq], [SINK_BATCH.messages, 1, SINK_BATCH.messages]);
  assert.equal(q.take().length, 10);
  assert.deepEqual(q.take(), []);
  q.add(msg(1000, SINK_BATCH.bytes * 2));
  q.add(msg(1001, SINK_BATCH.bytes / 2));
  q.add(msg(1002, SINK_BATCH.bytes / 2 + 1));
  assert.deepEqual(q.take().map((m) => m.streamSeq), [1000], "a message over the byte limit goes alone");
  assert.deepEqual(q.take().map((m) => m.streamSeq), [1001]);
  assert.deepEqual(q.take().map((m) => m.streamSeq), [1002]);
});

test("a redelivery of a waiting message replaces it (its reply subject is the live one) instead of queueing it twice", () => {
  const q = new SinkQueue();
  q.add(msg(1));
  q.add(msg(2));
  q.add(msg(1, 10, 2));
  const batch = q.take();
  assert.deepEqual(batch.map((m) => [m.streamSeq, m.delivered]), [[1, 2], [2, 1]]);
});

test("a batch that failed as a whole is tried message by message, and one that failed alone goes alone when it comes back", () => {
  const q = new SinkQueue();
  for (let s = 1; s <= 4; s++) q.add(msg(s));
  const batch = q.take();
  q.add(msg(5));
  q.retryAlone(batch);
  assert.deepEqual([1, 2, 3, 4].map(() => q.take().map((m) => m.streamSeq)), [[1], [2], [3], [4]]);
  q.suspect(3);
  q.add(msg(6));
  q.add(msg(3, 10, 2));
  q.add(msg(7));
  assert.deepEqual(q.take().map((m) => m.streamSeq), [5, 6], "the batch stops before the suspect");
  assert.deepEqual(q.take().map((m) => m.streamSeq), [3]);
  assert.deepEqual(q.take().map((m) => m.streamSeq), [7]);
  assert.deepEqual(q.drain(), []);
});

test("batches grow while they are full and quick, and shrink when they are slow, fail or meet a database that cannot take them", () => {
  const quick = SINK_BATCH.targetMs / 10;
  let limit: number = SINK_BATCH.firstLimit;
  for (let i = 0; i < 10; i++) limit = nextBatchLimit(limit, { messages: limit, ms: quick, failed: false });
  assert.equal(limit, SINK_BATCH.messages, "full and quick: up to the largest");
  assert.equal(nextBatchLimit(64, { messages: 10, ms: quick, failed: false }), 64, "not full: no reason to grow");
  assert.equal(nextBatchLimit(64, { messages: 64, ms: SINK_BATCH.targetMs / 2, failed: false }), 64, "within the target: kept");
  assert.equal(nextBatchLimit(256, { messages: 256, ms: SINK_BATCH.targetMs * 3, failed: false }), 128, "slow: halved");
  assert.equal(nextBatchLimit(256, { messages: 40, ms: quick, failed: true }), 20, "failed: half of what failed");
  // A task that spends 50 ms a message settles where a batch takes under the target.
  limit = SINK_BATCH.messages;
  for (let i = 0; i < 10; i++) limit = nextBatchLimit(limit, { messages: limit, ms: limit * 50, failed: false });
  assert.ok(limit * 50 <= SINK_BATCH.targetMs && limit >= SINK_BATCH.targetMs / 50 / 2, `${limit}`);
  assert.equal(nextBatchLimit(1, { messages: 1, ms: SINK_BATCH.targetMs * 9, failed: true }), 1, "never below one");
});
