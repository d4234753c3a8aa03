// A task that panics, one that loops forever and one that allocates without end: each is
// contained and reported, the others keep serving, and the bad ones serve again afterwards.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { NatsConnection } from "@nats-io/transport-node";
import type { HostEvent, LocalHost } from "../../src/host/index.js";
import { startLocalPipeline, type LocalPipeline } from "../helpers/local.js";
import { tempProject } from "../helpers/project.js";
import { until } from "../helpers/until.js";

const task = (name: string, bad: string) =>
  `package main\n\nfunc exec_task(arg string) string {\n\tif arg == "bad" {\n${bad}\n\t}\n\treturn "${name}:" + arg\n}\n`;
const TASKS = {
  panicky: '\t\tvar m map[string]int\n\t\tm["x"] = 1',
  looper: "\t\tfor n := 0; ; n++ {\n\t\t\t_ = n\n\t\t}",
  hog: "\t\tvar keep [][]byte\n\t\tfor {\n\t\t\tkeep = append(keep, make([]byte, 1<<20))\n\t\t\tkeep[len(keep)-1][0] = 1\n\t\t}",
  steady: "\t\treturn \"steady:fine\"",
};
const workflow = `project_name: Contain\ntasks:\n${Object.keys(TASKS)
  .map((n) => `  - {name: ${n}, type: processor_nats, code: ${n}.go, targets: [edge], source_topic: in.${n}, dest_topic: out.${n}, component_name: ${n}, version: 1.0.0}`)
  .join("\n")}\n`;

let pipeline: LocalPipeline;
let nc: NatsConnection;
let host: LocalHost;
const events: HostEvent[] = [];
const project = tempProject({ "workflow.yaml": workflow, ...Object.fromEntries(Object.entries(TASKS).map(([n, bad]) => [`tasks/${n}.go`, task(n, bad)])) });

before(async () => {
  pipeline = await startLocalPipeline(project.dir, { limits: { messageTimeoutMs: 1500, memoryLimitBytes: 96 << 20 }, onEvent: (e) => events.push(e) });
  ({ nc, host } = pipeline);
});
after(async () => {
  await pipeline?.stop();
  project.cleanup();
});

async function ask(name: string, body: string): Promise<{ body: string; error?: string }> {
  const r = await nc.request(`in.${name}`, body, { timeout: 10_000 });
  return { body: r.string(), ...(r.headers?.get("Pelato-Error") ? { error: r.headers.get("Pelato-Error") } : {}) };
}

// What each bad message is answered with, and the incident the host reports for it (none for a
// panic: Go recovers it in the glue, and the instance stays).
const OUTCOMES = {
  panicky: { error: /^panic: assignment to entry in nil map$/, incident: undefined },
  looper: { error: /^looper: the task took longer than 1500 ms; the instance was restarted$/, incident: /^looper: the task took longer than 1500 ms/ },
  hog: { error: /^fatal error: out of memory \(unreachable, at the memory limit of 96 MiB\)$/, incident: /^hog: .*fatal error: out of memory/ },
} as const;
const incidentsSince = (from: number, name: string) =>
  events.slice(from).flatMap((e) => (e.type === "incident" && e.message.startsWith(`${name}: `) ? [e.message] : []));
const restarts = (name: string) => host.apps().find((a) => a.name === name)!.restarts;

for (const [name, why] of Object.entries(OUTCOMES)) {
  test(`${name}: the bad message is answered with its own error and reported; the task and the others keep serving`, async () => {
    const from = events.length;
    const steady = restarts("steady");
    const bad = await ask(name, "bad");
    assert.match(bad.error ?? "", why.error, JSON.stringify(bad));
    assert.deepEqual(await ask("steady", "ok"), { body: "steady:ok" });
    assert.deepEqual(await ask(name, "again"), { body: `${name}:again` });
    const incidents = incidentsSince(from, name);
    if (why.incident) assert.ok(incidents.length === 1 && why.incident.test(incidents[0]!), incidents.join("\n"));
    else assert.deepEqual(incidents, []);
    assert.equal(restarts("steady"), steady, "the steady task was never restarted");
  });
}

for (const [name, why] of Object.entries(OUTCOMES)) {
  test(`${name}: a bad message amid a burst fails alone; the messages around it arrive once each`, async () => {
    const seen = new Map<string, number>();
    const sub = nc.subscribe(`out.${name}`, { callback: (_e, m) => void seen.set(m.string(), (seen.get(m.string()) ?? 0) + 1) });
    await nc.flush();
    // Published without a flush in between, so the host reads them in one go and hands them to the worker as one batch.
    for (let i = 0; i < 100; i++) nc.publish(`in.${name}`, `before-${i}`);
    const bad = nc.request(`in.${name}`, "bad", { timeout: 10_000 });
    for (let i = 0; i < 100; i++) nc.publish(`in.${name}`, `after-${i}`);
    assert.match((await bad).headers?.get("Pelato-Error") ?? "", why.error);
    const expected = [...Array(100).keys()].flatMap((i) => [`${name}:before-${i}`, `${name}:after-${i}`]);
    // Every result, then one more sent after them all: a result sent twice would come before it.
    await until(() => seen.size >= expected.length, `the 200 results on out.${name}`);
    nc.publish(`in.${name}`, "last");
    await until(() => seen.has(`${name}:last`), `the result of the last message on out.${name}`);
    sub.unsubscribe();
    assert.deepEqual([...seen.keys()].sort(), [...expected, `${name}:last`].sort());
    assert.deepEqual([...new Set(seen.values())], [1], "each result exactly once");
  });
}
