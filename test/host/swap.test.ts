// Hot swap under load: 10 000 numbered messages while the processor is replaced twice.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { LocalHost, type LocalApp } from "../../src/host/index.js";
import { localApps } from "../helpers/local.js";
import { tempProject } from "../helpers/project.js";
import { until } from "../helpers/until.js";
import { startNats, type NatsServer } from "../helpers/servers.js";

const WORKFLOW = "project_name: Swap\ntasks:\n  - {name: Echo, type: processor_nats, code: echo.go, targets: [edge], source_topic: numbers, dest_topic: echoed, component_name: echo, version: 1.0.0}\n";
const version = (tag: string) => `package main\n\nfunc exec_task(arg string) string { return arg + "|${tag}" }\n`;

let nats: NatsServer;
let nc: NatsConnection;
const builds: LocalApp[] = [];
const projects: { cleanup(): void }[] = [];

before(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  for (const tag of ["v1", "v2", "v3"]) {
    const p = tempProject({ "workflow.yaml": WORKFLOW, "tasks/echo.go": version(tag) });
    projects.push(p);
    builds.push((await localApps(p.dir)).get("echo")!);
  }
});
after(async () => {
  await nc?.close();
  await nats?.stop();
  projects.forEach((p) => p.cleanup());
});

test("some 10 000 messages, two hot swaps mid-stream: every result arrives exactly once", async () => {
  const host = new LocalHost(nc);
  try {
    await host.apply(builds[0]!);
    const seen = new Map<number, string[]>();
    let ended = false;
    const sub = nc.subscribe("echoed", {
      callback: (_e, m) => {
        const [n, tag] = m.string().split("|");
        if (n === "end") ended = true;
        else seen.set(Number(n), [...(seen.get(Number(n)) ?? []), tag!]);
      },
    });
    await nc.flush();
    let sent = 0;
    /** Publishes `count` more numbers in flushed batches of 250; with `while_`, keeps going while it is pending. */
    const stream = async (count: number, while_?: { pending: boolean }) => {
      for (let i = 0; i < count || while_?.pending; i++) {
        nc.publish("numbers", String(sent++));
        if (i % 250 === 249) await nc.flush();
      }
      await nc.flush();
    };
    const served = (tag: string) => [...seen.values()].some((tags) => tags.includes(tag));
    const waitFor = (done: () => boolean, what: string) => until(done, () => `${what} (${seen.size} of ${sent} arrived)`, 60_000);
    // Each swap starts once the version before it has served, and lands amid messages in flight:
    // published before it, while it runs, and after it.
    const swap = async (to: LocalApp) => {
      const state = { pending: true };
      const applied = host.apply(to).finally(() => (state.pending = false));
      await stream(250, state);
      return applied;
    };
    await stream(3000);
    await waitFor(() => served("v1"), "result from v1");
    const first = await swap(builds[1]!);
    await stream(3000);
    await waitFor(() => served("v2"), "result from v2");
    const second = await swap(builds[2]!);
    await stream(3000);
    assert.deepEqual([first, second], ["swapped", "swapped"]);
    await waitFor(() => seen.size >= sent, "result for every message");
    // One more after all: a result handled twice would arrive before it.
    nc.publish("numbers", "end");
    await waitFor(() => ended, "result of the last message");
    sub.unsubscribe();
    const N = sent;
    const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !seen.has(i));
    const twice = [...seen].filter(([, tags]) => tags.length > 1);
    assert.deepEqual(missing, [], `${missing.length} lost`);
    assert.deepEqual(twice, [], `${twice.length} handled twice`);
    const tags = new Set([...seen.values()].flat());
    assert.deepEqual([...tags].sort(), ["v1", "v2", "v3"], "all three versions served");
    assert.equal(host.apps()[0]!.version, builds[2]!.version);
  } finally {
    await host.stop();
  }
});
