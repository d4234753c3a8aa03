// The iot-pipeline example on the local host: a processor doubles readings, a kv task stores
// them in a NATS key-value bucket. The put is a request to $KV.<bucket>.<key> over messaging,
// as on a wasmCloud host; the bucket is made beforehand, as up, deploy and brush make it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { startLocalPipeline, type LocalPipeline } from "../helpers/local.js";
import { REPO_ROOT, tempProject } from "../helpers/project.js";
import { ensureSinks, planSinks } from "../../src/streams/index.js";
import { loadProject } from "../../src/workflow/index.js";
import type { HostEvent } from "../../src/host/index.js";
import { eventually, until } from "../helpers/until.js";

let pipeline: LocalPipeline;
let nc: NatsConnection;
const events: HostEvent[] = [];
const project = tempProject({}, join(REPO_ROOT, "examples", "iot-pipeline"));

before(async () => {
  pipeline = await startLocalPipeline(project.dir, { onEvent: (e) => events.push(e) });
  nc = pipeline.nc;
  const plan = planSinks(await loadProject(project.dir));
  assert.deepEqual(plan.buckets, ["latest_readings"]);
  await ensureSinks(nc, plan, { project: "iot", timeoutMs: 5000 });
});
after(async () => {
  await pipeline?.stop();
  project.cleanup();
});

test("a reading is doubled and stored in the bucket under the key exec_task returns", async () => {
  nc.publish("sensors.raw", '{"Data":21,"Name":"kitchen"}');
  const kv = await new Kvm(nc).open("latest_readings");
  const entry = await eventually(async () => (await kv.get("sensor.sensors.doubled")) ?? undefined, "stored reading");
  assert.equal(entry.string(), '{"Data":42,"Name":"kitchen"}');
});

test("a put into a bucket deleted underneath the task fails that message, and is logged", async () => {
  await (await new Kvm(nc).open("latest_readings")).destroy();
  const from = events.length;
  nc.publish("sensors.doubled", '{"Data":1}');
  const failed = () => events.slice(from).find((e) => e.type === "handled" && e.app === "reading_store" && e.error !== undefined);
  await until(() => failed() !== undefined, "failed message");
  assert.match((failed() as { error: string }).error, /put sensor\.sensors\.doubled into bucket latest_readings: .*does the bucket exist/);
  const logged = events.slice(from).find((e) => e.type === "log" && e.app === "reading_store");
  assert.ok(logged && logged.type === "log" && logged.level === "error" && /bucket latest_readings/.test(logged.message), JSON.stringify(logged));
});
