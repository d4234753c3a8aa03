// bench/host: messages per second through one processor task in the local host vs a raw NATS
// echo service in Node (same server, same run), latency percentiles, and idle RSS of `pelatod up`.
// Each runs in a process of its own, as `pelatod up` runs its host; this process only sends and counts.
// Run: npm run build && node dist/bench/host.js
import { fork, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { HostProcess } from "../src/host/index.js";
import { appSources } from "../test/helpers/local.js";
import { CLI, EXAMPLE, tempProject } from "../test/helpers/project.js";
import { freePort, startNats } from "../test/helpers/servers.js";
import { flood, requestLatencies } from "./flood.js";
import { summarize } from "./stats.js";

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const median = (xs: number[]) => summarize(xs).median;
const WORKFLOW = "project_name: Bench\ntasks:\n  - {name: Echo, type: processor_nats, code: echo.go, targets: [edge], source_topic: bench.in, dest_topic: bench.out, component_name: echo, version: 1.0.0}\n";

/** Sends N messages to `input` as fast as NATS takes them and times until N arrive on `output`. */
async function throughput(nc: NatsConnection, input: string, output: string): Promise<number> {
  const r = await flood(nc, input, output, N, (i) => `{"n":${i}}`);
  if (r.lost > 0) throw new Error(`${r.lost} of ${N} messages never arrived on ${output}`);
  return r.msgs_per_s;
}

const latencies = (nc: NatsConnection, subject: string) => requestLatencies(nc, subject, 2000, (i) => `{"n":${i}}`, 5000);

const nats = await startNats();
const project = tempProject({ "workflow.yaml": WORKFLOW, "tasks/echo.go": "package main\n\nfunc exec_task(arg string) string { return arg }\n" });
const nc = await connect({ servers: nats.url });
const report: Record<string, unknown> = { bench: "host", messages: N };
try {
  // Baseline: the same work done by plain Node on NATS, no Wasm, no worker.
  const echo = fork(new URL("./raw-echo.js", import.meta.url), [nats.url], { stdio: "ignore" });
  await new Promise((r) => echo.once("message", r));
  const host = await HostProcess.start({ nats: { host: "127.0.0.1", port: 0, servers: [nats.url], timeoutMs: 5000 }, clientName: "bench-host" });
  await host.apply((await appSources(project.dir)).get("echo")!);
  await throughput(nc, "raw.in", "raw.out"); // warm-up both
  await throughput(nc, "bench.in", "bench.out");
  // Alternating rounds: on a small shared machine one pair of runs varies by ±30 %.
  const raw: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await throughput(nc, "raw.in", "raw.out"));
    ours.push(await throughput(nc, "bench.in", "bench.out"));
  }
  report.rounds = ROUNDS;
  report.raw_node_echo_msgs_per_s = median(raw);
  report.local_host_msgs_per_s = median(ours);
  report.ratio = Number((median(ours) / median(raw)).toFixed(2));
  report.ratio_per_round = ours.map((o, i) => Number((o / raw[i]!).toFixed(2)));
  report.goal_ratio = 0.5;
  const lat = (xs: number[]) => Object.fromEntries(Object.entries(summarize(xs)).map(([k, v]) => [k, Number(v.toFixed(3))]));
  report.raw_request_reply_ms = lat(await latencies(nc, "raw.in"));
  report.local_host_request_reply_ms = lat(await latencies(nc, "bench.in"));
  await host.stop();
  echo.disconnect();
  report.idle_rss = await idleRss();
  console.log(JSON.stringify(report, null, 2));
} finally {
  await nc.close();
  await nats.stop();
  project.cleanup();
}

/** Starts `pelatod up` on the example and reads its resident memory, and its host's and nats-server's, once idle. */
async function idleRss(): Promise<Record<string, number>> {
  const p = tempProject({}, EXAMPLE);
  const up = spawn(process.execPath, [CLI, "up", p.dir], { env: { ...process.env, PELATO_HTTP_PORT: String(await freePort()) }, stdio: "ignore" });
  try {
    const state = join(p.dir, ".pelato", "up.json");
    for (let i = 0; i < 1200 && !existsSync(state); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 5000));
    const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
    const { natsPid, hostPid } = JSON.parse(readFileSync(state, "utf8")) as { natsPid: number; hostPid: number };
    return { pelatod_up_mb: Math.round(rss(up.pid!)), host_process_mb: Math.round(rss(hostPid)), nats_server_mb: Math.round(rss(natsPid)) };
  } finally {
    up.kill("SIGINT");
    await new Promise((r) => up.once("exit", r));
    rmSync(p.dir, { recursive: true, force: true });
  }
}
