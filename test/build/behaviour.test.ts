// The built components run for real (jco transpile in Node) against recording stand-ins for
// the host's imports: what the example tasks compute and publish, and how failures are contained.
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildDir } from "../helpers/build.js";
import { REPO_ROOT, EXAMPLE, tempProject } from "../helpers/project.js";
import { assertHttpProducer, message, recordingInstance } from "../helpers/recording-host.js";

const PANICKY = 'package main\n\nfunc exec_task(arg string) string {\n\tif arg == "boom" {\n\t\tvar m map[string]int\n\t\tm["x"] = 1\n\t}\n\treturn "ok:" + arg\n}\n';
let wasm: Map<string, string>;
const projects: { cleanup: () => void }[] = [];

before(async () => {
  const temperature = tempProject({}, EXAMPLE);
  const iot = tempProject({}, join(REPO_ROOT, "examples", "iot-pipeline"));
  const panicky = tempProject({
    "workflow.yaml": "project_name: P\ntasks:\n  - {name: p, type: processor_nats, code: p.go, targets: [edge], source_topic: in, dest_topic: out, component_name: panicky, version: 1.0.0}\n",
    "tasks/p.go": PANICKY,
  });
  projects.push(temperature, iot, panicky);
  const built = await Promise.all([buildDir(temperature.dir), buildDir(iot.dir), buildDir(panicky.dir)]);
  wasm = new Map(built.flatMap((m) => [...m].map(([c, r]) => [c, r.wasm] as const)));
});
after(() => projects.forEach((p) => p.cleanup()));

const HANDLER = "wasmcloud:messaging/handler@0.2.0";

test("convert.go turns 21.5 °C into 294.65 K and publishes it to the configured destination", async () => {
  const { component, rec } = await recordingInstance(wasm.get("celsius_to_kelvin_conversion")!, { dest_topic: "living_room_kelvin_data" });
  component.exports[HANDLER]!.handleMessage!(message("living_room_celsius_data", '{"Data":21.5,"Name":"sensor-1"}') as never);
  assert.deepEqual(rec.published, [{ subject: "living_room_kelvin_data", body: '{"Data":294.65,"Name":"sensor-1"}' }]);
});

test("the destination comes from runtime config, not from the code", async () => {
  const { component, rec } = await recordingInstance(wasm.get("temp_filter")!, { dest_topic: "somewhere.else" });
  component.exports[HANDLER]!.handleMessage!(message("x", '{"Data":300}') as never);
  assert.equal(rec.published[0]!.subject, "somewhere.else");
  rec.config = {};
  delete (rec.config as Record<string, string>).dest_topic;
  assert.throws(() => component.exports[HANDLER]!.handleMessage!(message("x", '{"Data":300}') as never), /dest_topic/);
});

test("the filter publishes nothing for out-of-range readings and passes the rest through unchanged", async () => {
  const { component, rec } = await recordingInstance(wasm.get("temp_filter")!, { dest_topic: "filtered" });
  for (const body of ['{"Data":-3}', '{"Data":401}', "not json"]) component.exports[HANDLER]!.handleMessage!(message("k", body) as never);
  assert.deepEqual(rec.published, []);
  component.exports[HANDLER]!.handleMessage!(message("k", '{"Data":294.65,"Name":"a"}') as never);
  assert.deepEqual(rec.published, [{ subject: "filtered", body: '{"Data":294.65,"Name":"a"}' }]);
});

test("a panic in exec_task becomes an error result and the next message is handled normally", async () => {
  const { component, rec } = await recordingInstance(wasm.get("panicky")!, { dest_topic: "out" });
  const handle = component.exports[HANDLER]!.handleMessage!;
  assert.throws(() => handle(message("in", "boom") as never), (e: unknown) => /panic: assignment to entry in nil map/.test(String((e as { payload?: string }).payload)));
  assert.ok(rec.logs.some((l) => l.level === "error" && /panic/.test(l.message)), "the panic is logged");
  handle(message("in", "fine") as never);
  assert.deepEqual(rec.published, [{ subject: "out", body: "ok:fine" }]);
});

test("a reply subject gets the result too", async () => {
  const { component, rec } = await recordingInstance(wasm.get("panicky")!, { dest_topic: "out" });
  component.exports[HANDLER]!.handleMessage!(message("in", "q", "_INBOX.1") as never);
  assert.deepEqual(rec.published.map((p) => p.subject), ["out", "_INBOX.1"]);
});

test("the kv task stores exec_task's key and value in the configured bucket", async () => {
  const { component, rec } = await recordingInstance(wasm.get("reading_store")!, { bucket: "latest_readings" });
  component.exports[HANDLER]!.handleMessage!(message("Sensors.Doubled", '{"Data":42}') as never);
  assert.deepEqual([...rec.kv.get("latest_readings")!], [["sensor.sensors.doubled", '{"Data":42}']]);
});

test("the HTTP producer answers a POST of 21.5 with 294.65 and publishes it; GET is refused", () => assertHttpProducer(wasm.get("celsius_to_kelvin_conversion")!));
