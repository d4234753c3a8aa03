// Request signatures, the allow-list, the replay window and request ids, without NATS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createUser } from "@nats-io/nkeys";
import { KEY_HEADER, ReplayGuard, SIGNATURE_HEADER, signRequest, verifyRequest } from "../../src/daemon/index.js";

const alice = createUser();
const mallory = createUser();
const seed = (kp: typeof alice) => new TextDecoder().decode(kp.getSeed());
const policy = { allowed: new Set([alice.getPublicKey()]), windowMs: 30_000 };
const SUBJECT = "pelato.gw1.redeploy";
const NOW = 1_750_000_000_000;

function signed(kp = alice, o: { subject?: string; now?: number; id?: string; args?: Record<string, unknown> } = {}) {
  const r = signRequest(seed(kp), o.subject ?? SUBJECT, o.args ?? {}, { now: o.now ?? NOW, ...(o.id ? { id: o.id } : {}) });
  return { subject: SUBJECT, data: r.data, key: r.headers.get(KEY_HEADER), signature: r.headers.get(SIGNATURE_HEADER) };
}

test("a request signed by an allowed key is accepted, with its id, time and arguments", () => {
  const v = verifyRequest(signed(alice, { id: "req-0001", args: { why: "test" } }), policy, NOW + 5_000);
  assert.ok(v.ok);
  assert.equal(v.key, alice.getPublicKey());
  assert.equal(v.id, "req-0001");
  assert.deepEqual(v.args, { why: "test" });
});

const refusals: { name: string; req: () => Parameters<typeof verifyRequest>[0]; at?: number; code: number; reason: RegExp }[] = [
  { name: "unsigned", req: () => ({ subject: SUBJECT, data: signed().data }), code: 401, reason: /unsigned request: the Pelato-Key and Pelato-Signature headers are required/ },
  { name: "signature of another body", req: () => ({ ...signed(), data: signed(alice, { args: { x: 1 } }).data }), code: 401, reason: /bad signature/ },
  { name: "signed for another subject (status replayed as remove)", req: () => ({ ...signed(alice, { subject: "pelato.gw1.status" }), subject: "pelato.gw1.remove" }), code: 401, reason: /bad signature/ },
  { name: "another key's signature under alice's key", req: () => ({ ...signed(mallory), key: alice.getPublicKey() }), code: 401, reason: /bad signature/ },
  { name: "garbage key", req: () => ({ ...signed(), key: "UNOTAKEY" }), code: 401, reason: /not a valid public nkey/ },
  { name: "an account key, not a user key", req: () => ({ ...signed(), key: "ABCDEF" }), code: 401, reason: /must be a public user nkey/ },
  { name: "validly signed by a key not on the allow-list", req: () => signed(mallory), code: 403, reason: new RegExp(`key ${mallory.getPublicKey()} is not on this daemon's allow-list`) },
  { name: "replayed after the window", req: () => signed(), at: NOW + 95_000, code: 409, reason: /replay refused: the request is 95 s old, outside the 30 s window/ },
  { name: "from the future", req: () => signed(), at: NOW - 60_000, code: 409, reason: /60 s in the future/ },
];
for (const r of refusals) {
  test(`refused: ${r.name}`, () => {
    const v = verifyRequest(r.req(), policy, r.at ?? NOW);
    assert.equal(v.ok, false);
    if (v.ok) return;
    assert.equal(v.code, r.code);
    assert.match(v.reason, r.reason);
  });
}

test("refused: a body without a usable id or timestamp, even when signed", () => {
  const kp = alice;
  const body = (o: unknown) => {
    const data = new TextEncoder().encode(JSON.stringify(o));
    const sig = Buffer.from(kp.sign(Buffer.concat([Buffer.from(`pelato-request-v1\n${SUBJECT}\n`), data]))).toString("base64url");
    return { subject: SUBJECT, data, key: kp.getPublicKey(), signature: sig };
  };
  const check = (o: unknown, reason: RegExp) => {
    const v = verifyRequest(body(o), policy, NOW);
    assert.ok(!v.ok && v.code === 400 && reason.test(v.reason), JSON.stringify(v));
  };
  check({ id: "short", ts: NOW }, /id must be 8-64 characters/);
  check({ id: "long-enough-id", ts: "now" }, /ts must be/);
  assert.equal(verifyRequest({ ...body({}), data: new TextEncoder().encode("not json") }, policy, NOW).ok, false);
});

test("ReplayGuard: a retry gets the first answer, another body under the same id is a conflict, ids expire with the window", async () => {
  const guard = new ReplayGuard<string>(30_000);
  const v = { id: "req-0001", ts: NOW, digest: "d1" };
  assert.deepEqual(guard.lookup("k", v, NOW), { kind: "new" });
  guard.record("k", v, Promise.resolve("first"));
  const again = guard.lookup("k", v, NOW + 1000);
  assert.equal(again.kind, "duplicate");
  if (again.kind === "duplicate") assert.equal(await again.answer, "first");
  assert.deepEqual(guard.lookup("k", { ...v, digest: "d2" }, NOW + 1000), { kind: "conflict" });
  assert.deepEqual(guard.lookup("other-key", v, NOW + 1000), { kind: "new" }, "ids are per key");
  assert.deepEqual(guard.lookup("k", v, NOW + 31_000), { kind: "new" }, "forgotten after the window (verifyRequest refuses it as stale by then)");
});
