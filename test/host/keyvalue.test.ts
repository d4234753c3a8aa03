// The iot-pipeline example on the local host: a processor doubles readings, a kv task stores
// them in a NATS key-value bucket (JetStream KV, as wasmCloud's keyvalue-nats provider would).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { startLocalPipeline, type LocalPipeline } from "../helpers/local.js";
import { REPO_ROOT, tempProject } from "../helpers/project.js";

let pipeline: LocalPipeline;
let nc: NatsConnection;
const project = tempProject({}, join(REPO_ROOT, "examples", "iot-pipeline"));

before(async () => {
  pipeline = await startLocalPipeline(project.dir);
  nc = pipeline.nc;
});
after(async () => {
  await pipeline?.stop();
  project.cleanup();
});

test("a reading is doubled and stored in the bucket under the key exec_task returns", async () => {
  nc.publish("sensors.raw", '{"Data":21,"Name":"kitchen"}');
  let entry;
  for (let i = 0; i < 50 && !entry; i++) {
    // The bucket appears when the kv task first stores into it.
    entry = await new Kvm(nc).open("latest_readings").then((kv) => kv.get("sensor.sensors.doubled")).catch(() => null);
    if (!entry) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(entry, "the kv task stored the reading");
  assert.equal(entry.string(), '{"Data":42,"Name":"kitchen"}');
});
