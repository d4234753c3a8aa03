// The local host in its own process, driven as the daemon drives it: apply, a kill -9 in the
// middle of a request (that request fails, the host comes back with what it ran), stop.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { HostProcess, type AppSource, type HostEvent } from "../../src/host/index.js";
import { appSources } from "../helpers/local.js";
import { tempProject } from "../helpers/project.js";
import { processAlive } from "../../src/process-alive.js";
import { startNats, type NatsServer } from "../helpers/servers.js";

const p = tempProject({
  "workflow.yaml": "project_name: HP\ntasks:\n  - {name: Echo, type: processor_nats, code: echo.go, targets: [edge], source_topic: hp.in, dest_topic: hp.out, component_name: echo, version: 1.0.0}\n  - {name: Twice, type: processor_nats, code: twice.go, targets: [edge], source_topic: hp2.in, dest_topic: hp2.out, component_name: twice, version: 1.0.0}\n",
  "tasks/echo.go": 'package main\n\nfunc exec_task(arg string) string {\n\tif arg == "bad" {\n\t\tpanic("bad input")\n\t}\n\treturn arg + "|echo"\n}\n',
  "tasks/twice.go": "package main\n\nfunc exec_task(arg string) string { return arg + arg }\n",
});
let nats: NatsServer;
let nc: NatsConnection;
let host: HostProcess;
let sources: Map<string, AppSource>;
const events: HostEvent[] = [];
let restarted: () => void = () => {};

before(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  sources = await appSources(p.dir);
  host = await HostProcess.start({ nats: { host: "127.0.0.1", port: 0, servers: [nats.url], timeoutMs: 5000 }, clientName: "test-host", onEvent: (e) => events.push(e), onRestarted: () => restarted() });
});
after(async () => {
  await host?.stop();
  await nc?.close();
  await nats?.stop();
  p.cleanup();
});

test("an applied task serves; apps() says what runs", async () => {
  assert.equal(await host.apply(sources.get("echo")!), "started");
  assert.equal((await nc.request("hp.in", "a", { timeout: 5000 })).string(), "a|echo");
  assert.equal(await host.apply(sources.get("echo")!), "unchanged");
  assert.deepEqual(host.apps().map((a) => [a.name, a.subscriptions]), [["echo", ["hp.in"]]]);
  assert.ok(events.some((e) => e.type === "started" && e.app === "echo"), "the host's events reach the caller");
  const bad = await nc.request("hp.in", "bad", { timeout: 5000 });
  assert.match(bad.headers?.get("Pelato-Error") ?? "", /panic: bad input/, "a failed message is answered with its error");
  assert.ok(!events.some((e) => e.type === "handled"), "no per-message events unless asked for");
});

test("kill -9 during an apply: that apply fails, the host comes back with what it ran, the next apply works", async () => {
  const pid = host.pid!;
  const back = new Promise<void>((r) => (restarted = r));
  const applying = host.apply(sources.get("twice")!);
  process.kill(pid, "SIGKILL");
  await assert.rejects(applying, /the local host process exited \(SIGKILL\)/);
  await back;
  assert.ok(!processAlive(pid));
  assert.notEqual(host.pid, pid);
  assert.ok(events.some((e) => e.type === "incident" && /starting it again with 1 application/.test(e.message)));
  assert.equal((await nc.request("hp.in", "b", { timeout: 5000 })).string(), "b|echo");
  assert.equal(await host.apply(sources.get("twice")!), "started");
  assert.equal((await nc.request("hp2.in", "c", { timeout: 5000 })).string(), "cc");
});

test("remove, then stop: the process is gone", async () => {
  await host.remove("twice");
  assert.deepEqual(host.apps().map((a) => a.name), ["echo"]);
  const pid = host.pid!;
  await host.stop();
  assert.ok(!processAlive(pid));
  assert.equal(host.alive(), false);
});
