// bench/continuum: the edge–cloud continuum on real parts (lattice up --sites: nats-server leaf
// nodes through toxiproxy, wadm, real wasmCloud hosts at each site). The example is brushed from
// the hub; readings are POSTed to edge-1's HTTP producer at 10 a second while edge-1's link is
// cut for 30 s (BENCH_OUTAGE_S). Reported: lost, duplicated and out-of-order readings in the
// cloud, and the drain time (link up → last reading in the cloud). With the link up, in the same
// run: the latency of a message across the link through JetStream (capture at the edge, source
// and republish at the hub) against plain core NATS across the same link, as a ratio.
// Run (as root): npm run build && node dist/bench/continuum.js
import { spawnSync } from "node:child_process";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { applyLinkAction, startSitesLattice } from "../src/lattice/index.js";
import { parseSites } from "../src/sites.js";
import { CLI, EXAMPLE, tempProject } from "../test/helpers/project.js";
import { summarize } from "./stats.js";

const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S ?? 30);
const RATE = 10;
const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const CROSSING = "living_room_kelvin_data";
const PLAIN = "bench.plain";

const project = tempProject({}, EXAMPLE);
const sites = parseSites("cloud,edge-1");
const lattice = await startSitesLattice({ sites, lattice: "default", deny: new Map([["edge", [CROSSING]]]), heartbeatSeconds: 2, cleanupSeconds: 6, onProgress: (l) => console.error(l) });
const hub = lattice.sites.find((s) => s.site.hub)!;
const edge = lattice.sites.find((s) => !s.site.hub)!;
const connections: NatsConnection[] = [];
try {
  const env = { ...process.env, NATS_URL: hub.natsUrl, REGISTRY_URL: `http://${lattice.registry}`, PELATO_PROVIDERS: "builtin", PELATO_SITES: "cloud:cloud,edge-1:edge" };
  const r = spawnSync(process.execPath, [CLI, "brush", project.dir, "--wait-timeout", "180", "--json"], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`brush failed: ${r.stderr}`);
  const atHub = await connect({ servers: hub.natsUrl });
  const atEdge = await connect({ servers: edge.natsUrl });
  connections.push(atHub, atEdge);

  const latency = { jetstream_ms: await crossingLatency(atEdge, atHub, CROSSING), core_nats_ms: await crossingLatency(atEdge, atHub, PLAIN) };
  const outage = await outageRun(atHub, `http://${edge.address}:8000/`, edge.linkApi!);
  console.log(
    JSON.stringify(
      {
        bench: "continuum",
        sites: "cloud, edge-1 (leaf through toxiproxy)",
        outage,
        latency_across_link: { ...latency, ratio_median: round(latency.jetstream_ms.median / latency.core_nats_ms.median), samples: LATENCY_SAMPLES },
      },
      null,
      2,
    ),
  );
} finally {
  for (const c of connections) await c.close();
  await lattice.stop();
  project.cleanup();
}

/** One message at a time from the edge to a subscriber at the hub: milliseconds per message. */
async function crossingLatency(from: NatsConnection, to: NatsConnection, subject: string) {
  const times: number[] = [];
  let arrived: () => void = () => {};
  const sub = to.subscribe(subject, { callback: () => arrived() });
  await to.flush();
  // Interest crosses the leaf link asynchronously: wait until a message makes it before timing.
  for (let warm = 0; ; warm++) {
    if (warm === 60) throw new Error(`nothing on ${subject} crossed the link within a minute`);
    const got = new Promise<boolean>((r) => ((arrived = () => r(true)), setTimeout(() => r(false), 1000)));
    from.publish(subject, `{"Data":${warm},"Name":"warm"}`);
    if (await got) break;
  }
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const got = new Promise<void>((r) => (arrived = r));
    const t0 = performance.now();
    from.publish(subject, `{"Data":${i},"Name":"lat"}`);
    await within(got, 10_000, `message ${i} on ${subject} across the link`);
    times.push(performance.now() - t0);
  }
  sub.unsubscribe();
  const s = summarize(times);
  return { median: round(s.median), p90: round(s.p90), p99: round(s.p99) };
}

async function outageRun(atHub: NatsConnection, producer: string, linkApi: string) {
  const arrivals: Array<{ name: string; at: number }> = [];
  const sub = atHub.subscribe(CROSSING, { callback: (_e, m) => void arrivals.push({ name: (m.json() as { Name: string }).Name, at: Date.now() }) });
  await atHub.flush();
  const sent: string[] = [];
  let failedPosts = 0;
  let stopAt = Infinity;
  const sender = (async () => {
    for (let i = 0; sent.length < stopAt; i++) {
      const next = Date.now() + 1000 / RATE;
      const name = `o${i}`;
      const res = await fetch(producer, { method: "POST", body: `{"Data":${i % 100},"Name":"${name}"}`, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      if (res?.status === 200) sent.push(name);
      else failedPosts++;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  })();
  const reach = (n: number) =>
    within(new Promise<void>((r) => { const t = setInterval(() => sent.length >= n && (clearInterval(t), r()), 20); }), 120_000, `${n} readings POSTed`);
  await reach(3 * RATE);
  await applyLinkAction(linkApi, { kind: "down" });
  const cutAt = sent.length;
  await reach(cutAt + OUTAGE_S * RATE);
  await applyLinkAction(linkApi, { kind: "up" });
  const upAt = Date.now();
  const sentDuringCut = sent.length - cutAt;
  stopAt = sent.length + 3 * RATE;
  await sender;
  const deadline = Date.now() + 120_000;
  while (new Set(arrivals.map((a) => a.name)).size < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // Late duplicates would come right after: give them the time the drain itself took, at least 2 s.
  const drainedAt = Math.max(...arrivals.filter((a) => sent.indexOf(a.name) < cutAt + sentDuringCut).map((a) => a.at));
  await new Promise((r) => setTimeout(r, Math.max(2000, drainedAt - upAt)));
  sub.unsubscribe();
  const names = arrivals.map((a) => a.name);
  const unique = new Set(names);
  const order = names.filter((n, i) => names.indexOf(n) === i);
  return {
    outage_s: OUTAGE_S,
    rate_per_s: RATE,
    sent: sent.length,
    sent_during_cut: sentDuringCut,
    failed_posts: failedPosts,
    lost: sent.filter((n) => !unique.has(n)).length,
    duplicated: names.length - unique.size,
    out_of_order: order.filter((n, i) => i > 0 && sent.indexOf(n) < sent.indexOf(order[i - 1]!)).length,
    drain_s: round((drainedAt - upAt) / 1000),
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms / 1000} s`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function round(n: number): number {
  return Number(n.toFixed(2));
}
