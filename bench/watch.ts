// bench/watch: time from saving a task to its new version serving, under `pelatod watch --local`
// (real NATS, real components), split into the daemon's stages; then save to "wadm has it"
// against a real nats-server, wadm and registry; and the idle RSS of the daemon (and, in local
// mode, of the component host and nats-server processes it runs beside it).
// Each mode runs once per toolchain (the daemon's --toolchain), and reports the component's size.
// Run: npm run build && node dist/bench/watch.js   (BENCH_EDITS=5 edits per mode, BENCH_MODES=local,lattice,
// BENCH_TOOLCHAINS=go,tinygo)
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { WadmClient } from "../src/wadm/index.js";
import { tempProject } from "../test/helpers/project.js";
import { startNats, startWadm } from "../test/helpers/servers.js";
import { spawnDaemon, type DaemonProcess, type Ev } from "../test/daemon/helpers/daemon-process.js";
import { startRegistry } from "../test/oci/helpers/registry.js";
import { summarize } from "./stats.js";

const EDITS = Number(process.env.BENCH_EDITS ?? 5);
/** The build worker's idle time in the bench: idle RSS is read once it has ended. */
const IDLE_S = 3;
const WORKFLOW = "project_name: Bench watch\ntasks:\n  - {name: Echo, type: processor_nats, code: echo.go, targets: [edge], source_topic: bench.w.in, dest_topic: bench.w.out, component_name: echo, version: 1.0.0}\n";
const task = (marker: string) => `package main\n\nfunc exec_task(arg string) string { return arg + "|${marker}" }\n`;
const STAGES = ["debounce", "render", "build", "push", "deploy", "swap"] as const;
const round = (n: number) => Math.round(n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  total: number;
  /** Save to the daemon's change event on its stdout, on this process's clock. */
  notify: number;
  /** One request to the new version once it serves, on this process's clock. */
  reply: number;
  stages: Record<(typeof STAGES)[number], number>;
  /** Bytes of the component built for this edit. */
  size: number;
}

/**
 * Saves a new variant and times until `done` says it serves; the daemon's cycle gives the split.
 * Every figure is a duration on one clock: this process's for total, notify and reply, the
 * daemon's for its stages. No figure is a difference of the two (the daemon records its last
 * steps after the new version may already answer).
 */
async function edit(d: DaemonProcess, dir: string, done: (marker: string) => Promise<boolean>): Promise<Sample> {
  const marker = randomBytes(6).toString("hex"); // never built before: a real compile every time
  const from = d.mark();
  const t0 = performance.now();
  const noticed = d.waitFor((e) => e.type === "change", { from, what: "the change event" }).then(() => performance.now() - t0);
  writeFileSync(join(dir, "tasks", "echo.go"), task(marker));
  while (!(await done(marker))) {
    if (performance.now() - t0 > 300_000) throw new Error(`the edit ${marker} did not serve within 300 s`);
    await sleep(2);
  }
  const total = performance.now() - t0;
  const t1 = performance.now();
  if (!(await done(marker))) throw new Error(`the edit ${marker} served, then did not`);
  const reply = performance.now() - t1;
  const cycle = (await d.waitFor((e) => e.type === "cycle" && e.outcome === "ok", { from })) as Ev & { stages: Sample["stages"] };
  const built = (await d.waitFor((e) => e.type === "built", { from })) as Ev & { size: number };
  const sample = { total, notify: await noticed, reply, stages: cycle.stages, size: built.size };
  for (const [k, v] of Object.entries({ ...sample.stages, total, notify: sample.notify, reply })) {
    if (v < 0) throw new Error(`measuring error: ${k} = ${v} ms is negative (${JSON.stringify(sample)})`);
  }
  return sample;
}

function report(samples: Sample[]) {
  const med = (f: (s: Sample) => number) => round(summarize(samples.map(f)).median);
  const stages = Object.fromEntries(STAGES.map((k) => [k, med((s) => s.stages[k])]));
  return {
    edits: samples.length,
    save_to_serving_ms: summarize(samples.map((s) => round(s.total))),
    median_stage_ms: stages,
    // Everything but the compiler (go build, binaryen, jco new): what the pipeline itself adds.
    overhead_excluding_compiler_ms: med((s) => s.total - s.stages.build),
    // The daemon's own work: debounce + render + plan + push + deploy, without the compiler and the host's swap.
    daemon_overhead_ms: med((s) => s.stages.debounce + s.stages.render + s.stages.push + s.stages.deploy),
    // Save to the change event on the daemon's stdout (its debounce included), and one request to the new version.
    notify_ms: med((s) => s.notify),
    reply_ms: med((s) => s.reply),
    component_kib: round(med((s) => s.size) / 1024),
  };
}

async function local(toolchain: string): Promise<Record<string, unknown>> {
  const p = tempProject({ "workflow.yaml": WORKFLOW, "tasks/echo.go": task("start") });
  const d = spawnDaemon(["watch", p.dir, "--local", "--metrics", "off"], { PELATO_BUILD_IDLE_S: String(IDLE_S), PELATO_TOOLCHAIN: toolchain });
  let nc: NatsConnection | undefined;
  try {
    await d.waitFor((e) => e.type === "ready", { timeoutMs: 300_000 });
    await sleep((IDLE_S + 3) * 1000);
    const up = () => JSON.parse(readFileSync(join(p.dir, ".pelato", "up.json"), "utf8")) as { natsUrl: string; natsPid: number; hostPid: number };
    nc = await connect({ servers: up().natsUrl });
    // The daemon, and beside it the processes of the embedded default it owns.
    const rss = () => ({ daemon: rssMb(d.child.pid!), host_process: rssMb(up().hostPid), nats_server: rssMb(up().natsPid) });
    const idle = rss();
    const conn = nc;
    const samples: Sample[] = [];
    for (let i = 0; i < EDITS; i++) samples.push(await edit(d, p.dir, async (m) => (await conn.request("bench.w.in", "x", { timeout: 1000 }).catch(() => undefined))?.string() === `x|${m}`));
    await sleep((IDLE_S + 3) * 1000);
    return { ...report(samples), idle_rss_mb: { after_start: idle, idle_after_edits: rss() }, goal_overhead_ms: 150, goal_idle_rss_mb_of_daemon: 120 };
  } finally {
    await nc?.close();
    await d.stop();
    p.cleanup();
  }
}

async function lattice(toolchain: string): Promise<Record<string, unknown>> {
  const nats = await startNats();
  const [wadm, registry] = await Promise.all([startWadm(nats), startRegistry()]);
  const p = tempProject({ "workflow.yaml": WORKFLOW, "tasks/echo.go": task("start") });
  const nc = await connect({ servers: nats.url });
  const d = spawnDaemon(["watch", p.dir, "--metrics", "off"], { NATS_URL: nats.url, REGISTRY_URL: registry.host, PELATO_BUILD_IDLE_S: String(IDLE_S), PELATO_TOOLCHAIN: toolchain });
  try {
    await d.waitFor((e) => e.type === "ready", { timeoutMs: 300_000 });
    await sleep((IDLE_S + 3) * 1000);
    const idle = rssMb(d.child.pid!);
    const wadmc = new WadmClient(nc, "default");
    // wadm runs the manifest pinned to the pushed digest: its version is the state's targetVersion.
    const state = () => JSON.parse(readFileSync(join(p.dir, ".pelato", "state.json"), "utf8")) as { apps: { echo?: { version: string; targetVersion?: string } } };
    const samples: Sample[] = [];
    for (let i = 0; i < EDITS; i++) {
      const before = state().apps.echo?.targetVersion ?? state().apps.echo?.version;
      samples.push(
        await edit(d, p.dir, async () => {
          const now = state().apps.echo?.targetVersion ?? state().apps.echo?.version;
          return now !== before && (await wadmc.list()).some((m) => m.name === "echo" && m.deployed_version === now);
        }),
      );
    }
    await sleep((IDLE_S + 3) * 1000);
    return { ...report(samples), served_when: "wadm has the new version deployed (no wasmCloud host here)", idle_rss_mb: { after_start: idle, idle_after_edits: rssMb(d.child.pid!) } };
  } finally {
    await d.stop();
    await nc.close();
    await wadm.stop();
    await nats.stop();
    await registry.stop();
    p.cleanup();
  }
}

function rssMb(pid: number): number {
  return round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024);
}

const modes = (process.env.BENCH_MODES ?? "local,lattice").split(",");
const toolchains = (process.env.BENCH_TOOLCHAINS ?? "go,tinygo").split(",");
const result: Record<string, unknown> = { bench: "watch" };
for (const toolchain of toolchains) {
  if (modes.includes("local")) result[`local_${toolchain}`] = await local(toolchain);
  if (modes.includes("lattice")) result[`lattice_${toolchain}`] = await lattice(toolchain);
}
console.log(JSON.stringify(result, null, 2));
