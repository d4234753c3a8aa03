// bench/deploy: one application's deploy round trip through pelatod's wadm client against the
// same wadm requests sent raw, and a bare NATS request/reply, all on one server in one run.
// Run: npm run build && node dist/bench/deploy.js
import { connect } from "@nats-io/transport-node";
import { deployManifests, WadmClient, type Manifest } from "../src/wadm/index.js";
import { startNats, startWadm } from "../test/helpers/servers.js";
import { summarize } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);

function manifest(version: string): Manifest {
  return {
    apiVersion: "core.oam.dev/v1beta1",
    kind: "Application",
    metadata: { name: "bench", annotations: { version } },
    spec: { components: [{ name: "c", type: "component", properties: { image: "localhost:5000/c:1.0.0" }, traits: [{ type: "spreadscaler", properties: { instances: 1 } }] }] },
  };
}

const nats = await startNats();
const wadm = await startWadm(nats);
const nc = await connect({ servers: nats.url });
try {
  nc.subscribe("bench.echo", { callback: (_e, m) => void m.respond(m.data) });
  const client = new WadmClient(nc, "default", 10_000);
  const bare: number[] = [];
  const raw: number[] = [];
  const ours: number[] = [];
  let v = 0;
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await nc.request("bench.echo", "x", { timeout: 5000 });
    bare.push(performance.now() - t);

    // Raw: exactly the two requests that change wadm's state, nothing else.
    const rawVersion = `raw-${v++}`;
    t = performance.now();
    await nc.request("wadm.api.default.model.put", JSON.stringify({ ...manifest(rawVersion), metadata: { name: "bench-raw", annotations: { version: rawVersion } } }), { timeout: 10_000 });
    await nc.request("wadm.api.default.model.deploy.bench-raw", JSON.stringify({ version: rawVersion }), { timeout: 10_000 });
    raw.push(performance.now() - t);

    // pelatod: the whole idempotent path (list, versions, put, deploy) for a changed application.
    t = performance.now();
    await deployManifests(client, [manifest(`v${v++}`)]);
    ours.push(performance.now() - t);
  }
  const b = summarize(bare.slice(10));
  const r = summarize(raw.slice(10));
  const o = summarize(ours.slice(10));
  console.log(
    JSON.stringify(
      {
        bench: "deploy",
        runs: RUNS,
        bare_request_reply_ms: fixed(b),
        raw_put_and_deploy_ms: fixed(r),
        pelatod_deploy_one_app_ms: fixed(o),
        overhead_vs_raw_median_ms: Number((o.median - r.median).toFixed(2)),
        overhead_vs_bare_median_ms: Number((o.median - b.median).toFixed(2)),
        goal_overhead_ms: 5,
        note: "pelatod's path sends list + versions before put + deploy so that an unchanged application is never put again",
      },
      null,
      2,
    ),
  );
} finally {
  await nc.close();
  await wadm.stop();
  await nats.stop();
}

function fixed(s: ReturnType<typeof summarize>) {
  return Object.fromEntries(Object.entries(s).map(([k, x]) => [k, Number(x.toFixed(2))]));
}
