// bench/lattice-throughput: messages through one processor task on a real wasmCloud host, for each
// toolchain, against a raw NATS echo in Node on the same server in the same run: msgs/s at the
// default concurrency and at 1 (no message may be lost), and latency one message at a time.
// Run: npm run build && node dist/bench/lattice-throughput.js
//   BENCH_MESSAGES=20000 per throughput round, BENCH_TOOLCHAINS=go,tinygo, BENCH_CONCURRENCY=<n> instead of the default
//   The host's engine settings come from the environment as for `lattice up` (WASMCLOUD_MAX_COMPONENTS,
//   WASMCLOUD_MAX_LINEAR_MEMORY, ...): the report gives them with the host's memory and start time.
import { fork, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { HOST_ENGINE_DEFAULTS, startLattice } from "../src/lattice/index.js";
import { DEFAULT_CONCURRENCY } from "../src/render/index.js";
import { CLI, tempProject } from "../test/helpers/project.js";
import { flood, requestLatencies } from "./flood.js";
import { summarize } from "./stats.js";

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const TOOLCHAINS = (process.env.BENCH_TOOLCHAINS ?? "go,tinygo").split(",");
const DEFAULT = Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_CONCURRENCY);
const DEADLINE_MS = 120_000;
// The issue's task: a JSON number doubled.
const TASK = 'package main\n\nimport "strconv"\n\nfunc exec_task(arg string) string {\n\tn, err := strconv.Atoi(arg)\n\tif err != nil {\n\t\treturn "error: " + err.Error()\n\t}\n\treturn strconv.Itoa(2 * n)\n}\n';
const workflow = (concurrency: number) =>
  `project_name: Throughput\ntasks:\n  - {name: Double, type: processor_nats, code: double.go, targets: [cloud], source_topic: tp.in, dest_topic: tp.out, component_name: double, version: 1.0.0, concurrency: ${concurrency}}\n`;

const throughput = (nc: NatsConnection, input: string, output: string) => flood(nc, input, output, N, String, DEADLINE_MS);

/** Median and p99 of 1,000 requests sent one at a time. */
async function latency(nc: NatsConnection, subject: string): Promise<Record<string, number>> {
  const s = summarize(await requestLatencies(nc, subject, 1000, String, 10_000));
  return { median_ms: Number(s.median.toFixed(3)), p99_ms: Number(s.p99.toFixed(3)) };
}

/** A process's resident and virtual memory, from /proc. */
function memoryOf(pid: number): { rss_mb: number; virtual_gb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss_mb: Math.round(kb("VmRSS") / 1024), virtual_gb: Math.round(kb("VmSize") / 2 ** 20) };
}

const lattice = await startLattice({ hosts: ["cloud"], lattice: "default" });
const nc = await connect({ servers: lattice.natsUrl });
const project = tempProject({ "workflow.yaml": workflow(DEFAULT), "tasks/double.go": TASK });
const settings = Object.fromEntries(Object.keys(HOST_ENGINE_DEFAULTS).map((k) => [k, process.env[k] ?? HOST_ENGINE_DEFAULTS[k as keyof typeof HOST_ENGINE_DEFAULTS]]));
const report: Record<string, unknown> = { bench: "lattice-throughput", messages: N, default_concurrency: DEFAULT, host_engine: settings };
try {
  const echo = fork(new URL("./raw-echo.js", import.meta.url), [lattice.natsUrl], { stdio: "ignore" });
  await new Promise((r) => echo.once("message", r));
  await throughput(nc, "raw.in", "raw.out"); // warm-up
  report.raw_node_echo = { ...(await throughput(nc, "raw.in", "raw.out")), ...(await latency(nc, "raw.in")) };
  echo.disconnect();

  const env = { ...process.env, NATS_URL: lattice.natsUrl, PELATO_PROVIDER_NATS_URL: lattice.natsUrl, REGISTRY_URL: lattice.registry, PELATO_PROVIDERS: "builtin" };
  for (const toolchain of TOOLCHAINS) {
    const result: Record<string, unknown> = {};
    for (const concurrency of [DEFAULT, 1]) {
      writeFileSync(join(project.dir, "workflow.yaml"), workflow(concurrency));
      const r = spawnSync(process.execPath, [CLI, "brush", project.dir, "--toolchain", toolchain, "--wait-timeout", "300", "--json"], { env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`brush --toolchain ${toolchain} failed: ${r.stdout}${r.stderr}`);
      await throughput(nc, "tp.in", "tp.out"); // warm-up: the host compiles and pools on first use
      result[`concurrency_${concurrency}`] = { ...(await throughput(nc, "tp.in", "tp.out")), ...(concurrency === DEFAULT ? await latency(nc, "tp.in") : {}) };
      console.error(`${toolchain} at concurrency ${concurrency}: ${JSON.stringify(result[`concurrency_${concurrency}`])}`);
    }
    report[toolchain] = { ...result, host_memory_after: memoryOf(lattice.hosts[0]!.service.pid) };
  }
  const started = performance.now();
  const spare = await lattice.addHost("spare"); // how long a host with these settings takes to start
  report.host_start_ms = Math.round(performance.now() - started);
  report.idle_host_memory = memoryOf(spare.service.pid);
  report.goal = { msgs_per_s_at_default: 5000, lost: 0, median_latency_ms: 1.5 };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await nc.close();
  await lattice.stop();
  project.cleanup();
}
