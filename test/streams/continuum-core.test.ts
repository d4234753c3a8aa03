// The continuum's pure core: site lists, each site's nats-server configuration, the link's
// actions, the streams planned for crossing topics, and what status makes of a crossing's state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLinkAction } from "../../src/lattice/index.js";
import { natsConfig } from "../../src/lattice/nats-config.js";
import { jetStreamDomain, parseSites } from "../../src/sites.js";
import { crossingHealth, planStreams, streamName } from "../../src/streams/index.js";
import { crossingTopics, DEFAULT_STREAM_LIMITS } from "../../src/workflow/index.js";
import { project, task } from "../helpers/fixtures.js";

test("sites: NAME[:TIER], the tier defaulting to the name without -<n>; the cloud site is the hub, else the first", () => {
  assert.deepEqual(parseSites("cloud,edge-1,edge-2,gw:edge").map((s) => [s.name, s.tier, s.hub, s.jsDomain]), [
    ["cloud", "cloud", true, "cloud"],
    ["edge-1", "edge", false, "edge-1"],
    ["edge-2", "edge", false, "edge-2"],
    ["gw", "edge", false, "gw"],
  ]);
  assert.deepEqual(parseSites("edge-1,fog-1").map((s) => s.hub), [true, false], "no cloud: the first is the hub");
  assert.deepEqual(parseSites("edge-1, cloud-7").map((s) => [s.name, s.hub]), [["edge-1", false], ["cloud-7", true]]);
});

test("pelatod's buckets and sink streams live in the hub's JetStream domain on sites, else NATS_JS_DOMAIN's", () => {
  assert.equal(jetStreamDomain({ sites: parseSites("edge-1,cloud"), nats: { jsDomain: "ignored" } }), "cloud");
  assert.equal(jetStreamDomain({ nats: { jsDomain: "hub" } }), "hub");
  assert.equal(jetStreamDomain({ nats: {} }), undefined);
});

test("sites: two hubs, a name twice, a bad name or tier and an empty entry are usage errors naming the source", () => {
  assert.throws(() => parseSites("cloud,cloud-2"), /two hubs \(cloud, cloud-2\)/);
  assert.throws(() => parseSites("cloud,edge-1,edge-1"), /"edge-1" is listed twice/);
  assert.throws(() => parseSites("cloud,Edge.1"), /site name "Edge.1"/);
  assert.throws(() => parseSites("cloud,e:x:y"), /NAME\[:TIER\]/);
  assert.throws(() => parseSites("cloud,,edge-1", "PELATO_SITES"), /^UsageError: PELATO_SITES "cloud,,edge-1": an empty site name/);
  assert.throws(() => parseSites(Array.from({ length: 17 }, (_, i) => `e-${i}`).join(",")), /at most 16/);
});

test("a hub's nats-server accepts leaves without advertising itself; a leaf dials through its link and denies the crossing topics both ways", () => {
  const [hub, edge] = parseSites("cloud,edge-1");
  const h = natsConfig({ site: hub!, address: "10.213.1.10", storeDir: "/tmp/js" });
  assert.match(h, /leafnodes \{ listen: "0\.0\.0\.0:7422", no_advertise: true \}/);
  assert.match(h, /jetstream \{ store_dir: "\/tmp\/js", domain: "cloud" \}/);
  assert.match(h, /http: "10\.213\.1\.10:8222"/);
  const e = natsConfig({ site: edge!, address: "10.213.1.11", storeDir: "/tmp/js \"x\"", leafRemote: "nats-leaf://127.0.0.1:7422", deny: ["a.b", 'we"ird'] });
  assert.match(e, /remotes: \[ \{ url: "nats-leaf:\/\/127\.0\.0\.1:7422", deny_exports: \["a\.b", "we\\"ird"\], deny_imports: \["a\.b", "we\\"ird"\] \} \]/);
  assert.match(e, /store_dir: "\/tmp\/js \\"x\\""/, "values are quoted, never pasted");
  assert.doesNotMatch(natsConfig({ site: edge!, address: "a", storeDir: "s", leafRemote: "nats-leaf://x:1" }), /deny/);
});

test("lattice link actions: down, up, latency <ms>, reset-peer <percent>; anything else is refused", () => {
  assert.deepEqual(parseLinkAction("down", undefined), { kind: "down" });
  assert.deepEqual(parseLinkAction("latency", "200"), { kind: "latency", ms: 200 });
  assert.deepEqual(parseLinkAction("reset-peer", "5"), { kind: "reset-peer", percent: 5 });
  assert.throws(() => parseLinkAction("reset-peer", "101"), /0 to 100/);
  assert.throws(() => parseLinkAction("latency", "-1"), /whole number/);
  assert.throws(() => parseLinkAction("up", "3"), /takes no value/);
  assert.throws(() => parseLinkAction("flap", undefined), /unknown action "flap"/);
});

const twoTier = project([
  task({ name: "read", component_name: "read", targets: ["edge"], source_topic: "raw", dest_topic: "readings" }),
  task({ name: "gw", component_name: "gw", targets: ["gateway"], source_topic: "raw2", dest_topic: "readings" }),
  task({ name: "store", component_name: "store", targets: ["cloud"], source_topic: "readings", dest_topic: "stored" }),
]);

test("streams: a capture in every leaf site of the producing tiers, one forward at the hub sourcing them all and republishing the topic", () => {
  const sites = parseSites("cloud,edge-1,edge-2,gw-1:gateway");
  const [plan, ...rest] = planStreams(crossingTopics(twoTier, "cloud"), sites);
  assert.equal(rest.length, 0, "one plan per topic, whatever the tiers it crosses from");
  assert.deepEqual(plan!.captures.map((c) => [c.domain, c.subjects]), [["edge-1", ["readings"]], ["edge-2", ["readings"]], ["gw-1", ["readings"]]]);
  assert.equal(plan!.forward.domain, "cloud");
  assert.deepEqual(plan!.forward.sources, ["edge-1", "edge-2", "gw-1"].map((domain) => ({ name: streamName("readings"), domain, consumer: { name: "PELATO_TO_cloud", deliverSubject: `pelato.forward.cloud.${domain}.${streamName("readings")}` } })));
  assert.deepEqual(plan!.captures.map((c) => c.consumer), plan!.forward.sources!.map((s) => s.consumer), "each leaf holds the consumer its source names");
  assert.equal(plan!.forward.subjects, undefined, "the forward stream captures nothing itself: republishing what it captured would loop");
  assert.deepEqual(plan!.crossing.limits, DEFAULT_STREAM_LIMITS);
  assert.deepEqual(planStreams(crossingTopics(twoTier, "cloud"), parseSites("cloud,fog-1")), [], "no site of the producing tier: nothing to carry");
});

test("stream names are valid for JetStream and distinct for topics that differ only in punctuation", () => {
  for (const t of ["a.b", "a_b", "a-b", "x".repeat(200)]) assert.match(streamName(t), /^PELATO_[A-Za-z0-9_-]{1,32}_[0-9a-f]{8}$/);
  assert.notEqual(streamName("a.b"), streamName("a_b"));
});

test("a crossing's health: backlog at the leaf, losses when the leaf dropped what the hub had not acknowledged, a warning near the limits", () => {
  const limits = { maxAgeSeconds: 100, maxBytes: 1000 };
  const now = Date.parse("2026-11-28T12:00:00Z");
  const capture = (o: Partial<{ messages: number; bytes: number; firstSeq: number; firstTs: string }>) => ({ messages: 10, bytes: 100, firstSeq: 1, firstTs: "2026-11-28T11:59:50Z", ...o });
  assert.deepEqual(crossingHealth(capture({}), { pending: 0, ackFloor: 10 }, { lag: 0, activeNs: 2e9 }, limits, now), { backlog: 0, dropped: 0, nearLimit: false, lastHeardMs: 2000 });
  assert.deepEqual(crossingHealth(capture({}), { pending: 4, ackFloor: 6 }, { lag: 4, activeNs: -1 }, limits, now), { backlog: 4, dropped: 0, nearLimit: false });
  assert.equal(crossingHealth(capture({}), { pending: 7, ackFloor: 3 }, { lag: 0, activeNs: 60e9 }, limits, now).backlog, 7, "a source silent for a minute: its lag is stale, the leaf counts");
  assert.equal(crossingHealth(capture({}), { pending: 9, ackFloor: 1 }, { lag: 0, activeNs: 0 }, limits, now).backlog, 0, "what the hub holds is not backlog, acknowledged or not");
  assert.equal(crossingHealth(capture({}), { pending: 9, ackFloor: 1 }, undefined, limits, now).backlog, 9, "at the leaf alone, its consumer's count");
  // The hub acknowledged 5 of 20; the leaf now holds 11..20: 6..10 were dropped before they crossed.
  assert.deepEqual(crossingHealth(capture({ firstSeq: 11 }), { pending: 10, ackFloor: 5 }, undefined, limits, now), { backlog: 10, dropped: 5, nearLimit: false });
  assert.deepEqual(crossingHealth(capture({ firstSeq: 11 }), { pending: 0, ackFloor: 20 }, undefined, limits, now).dropped, 0, "dropped after crossing: nothing lost");
  assert.equal(crossingHealth(capture({ bytes: 800 }), undefined, undefined, limits, now).nearLimit, true, "80 % of the bytes");
  assert.equal(crossingHealth(capture({ firstTs: "2026-11-28T11:58:00Z" }), undefined, undefined, limits, now).nearLimit, true, "80 % of the age");
  assert.deepEqual(crossingHealth(undefined, undefined, { lag: 3, activeNs: 5e6 }, limits, now), { dropped: 0, nearLimit: false, lastHeardMs: 5 }, "the leaf unreachable: backlog unknown");
});
