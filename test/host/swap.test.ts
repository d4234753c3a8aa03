// Hot swap under load: 10 000 numbered messages while the processor is replaced twice.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { LocalHost, type LocalApp } from "../../src/host/index.js";
import { localApps } from "../helpers/local.js";
import { tempProject } from "../helpers/project.js";
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

test("10 000 messages, two hot swaps mid-stream: every result arrives exactly once", async () => {
  const host = new LocalHost(nc);
  try {
    await host.apply(builds[0]!);
    const seen = new Map<number, string[]>();
    const sub = nc.subscribe("echoed", {
      callback: (_e, m) => {
        const [n, tag] = m.string().split("|");
        seen.set(Number(n), [...(seen.get(Number(n)) ?? []), tag!]);
      },
    });
    await nc.flush();
    const N = 10_000;
    const swaps: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      nc.publish("numbers", String(i));
      if (i % 250 === 249) {
        await nc.flush();
        await new Promise((r) => setTimeout(r, 150)); // a steady stream of ~1600 msg/s, so the swaps land mid-stream
      }
      if (i === 3000) swaps.push(host.apply(builds[1]!));
      if (i === 6500) swaps.push(Promise.all(swaps).then(() => host.apply(builds[2]!)));
    }
    assert.deepEqual((await Promise.all(swaps)).flat(), ["swapped", "swapped"]);
    const end = Date.now() + 60_000;
    while (seen.size < N && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show up
    sub.unsubscribe();
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
