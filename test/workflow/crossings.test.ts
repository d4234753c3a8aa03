import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostic, InputError } from "../../src/errors.js";
import { pipelineGraph, renderGraph } from "../../src/render/index.js";
import { crossingTopics, DEFAULT_STREAM_LIMITS, HUB_TIER, loadProject, type Project } from "../../src/workflow/index.js";
import { pelatod } from "../helpers/cli.js";
import { project, task } from "../helpers/fixtures.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";

const producer = (name: string, targets: string[], dest_topic = "readings") => task({ name, component_name: name, type: "http_producer_nats", source_topic: undefined, dest_topic, targets });
const consumer = (name: string, targets: string[], source_topic = "readings") => task({ name, component_name: name, source_topic, dest_topic: `${name}.out`, targets });

test("a topic published on edge and read on cloud crosses from edge to cloud", () => {
  const p = project([producer("sensor", ["edge"]), consumer("filter", ["cloud"]), consumer("archive", ["cloud"])]);
  assert.equal(HUB_TIER, "cloud");
  assert.deepEqual(crossingTopics(p, HUB_TIER), [
    { topic: "readings", fromTier: "edge", toTier: "cloud", producers: ["sensor"], consumers: ["archive", "filter"], limits: DEFAULT_STREAM_LIMITS },
  ]);
});

test("a consumer that also runs on the producer's tier reads the topic there: nothing crosses", () => {
  const p = project([producer("sensor", ["edge"]), consumer("filter", ["cloud"]), consumer("local", ["edge", "cloud"])]);
  assert.deepEqual(crossingTopics(p, HUB_TIER), []);
});

test("a wildcard source_topic on the hub makes a concrete topic cross", () => {
  const p = project([producer("sensor", ["edge"], "sensors.kelvin"), consumer("filter", ["cloud"], "sensors.*"), consumer("other", ["cloud"], "misc.>")]);
  assert.deepEqual(
    crossingTopics(p, HUB_TIER).map((c) => [c.topic, c.consumers]),
    [["sensors.kelvin", ["filter"]]],
  );
});

test("producer and consumer both on the hub: nothing crosses", () => {
  const p = project([producer("sensor", ["cloud"]), consumer("filter", ["cloud"])]);
  assert.deepEqual(crossingTopics(p, HUB_TIER), []);
});

test("two leaf tiers publishing to the hub give one crossing each, sorted by topic then tier", () => {
  const p = project([producer("fog-sensor", ["fog"]), producer("edge-sensor", ["edge", "cloud"]), producer("b-sensor", ["edge"], "b"), consumer("filter", ["cloud"]), consumer("b-reader", ["cloud"], "b")]);
  assert.deepEqual(
    crossingTopics(p, HUB_TIER).map((c) => [c.topic, c.fromTier, c.toTier, c.producers]),
    [
      ["b", "edge", "cloud", ["b-sensor"]],
      ["readings", "edge", "cloud", ["edge-sensor"]],
      ["readings", "fog", "cloud", ["fog-sensor"]],
    ],
  );
});

test("limits: a topic's own entry, then the project's, then the defaults", () => {
  const tasks = [producer("sensor", ["edge"]), producer("alarm", ["edge"], "alarms"), consumer("filter", ["cloud"], ">")];
  const limits = (storeAndForward?: Project["storeAndForward"]) => crossingTopics(project(tasks, { storeAndForward }), HUB_TIER).map((c) => [c.topic, c.limits]);
  assert.deepEqual(limits(), [
    ["alarms", DEFAULT_STREAM_LIMITS],
    ["readings", DEFAULT_STREAM_LIMITS],
  ]);
  assert.deepEqual(limits({ max_bytes: 2048, topics: { readings: { max_age_seconds: 60 } } }), [
    ["alarms", { maxAgeSeconds: 86_400, maxBytes: 2048 }],
    ["readings", { maxAgeSeconds: 60, maxBytes: 2048 }],
  ]);
  assert.deepEqual(limits({ max_age_seconds: 10, topics: { alarms: { max_age_seconds: 5, max_bytes: 1024 } } }), [
    ["alarms", { maxAgeSeconds: 5, maxBytes: 1024 }],
    ["readings", { maxAgeSeconds: 10, maxBytes: DEFAULT_STREAM_LIMITS.maxBytes }],
  ]);
});

/** The example (an HTTP producer on edge publishing living_room_kelvin_data, a filter on cloud) with `tail` appended. */
function exampleWith(tail: string): ReturnType<typeof tempProject> {
  const p = tempProject({}, EXAMPLE);
  const wf = join(p.dir, "workflow.yaml");
  writeFileSync(wf, readFileSync(wf, "utf8") + tail);
  return p;
}

test("bad store_and_forward values and unknown topics are reported at their line:col", async () => {
  const lines = readFileSync(join(EXAMPLE, "workflow.yaml"), "utf8").split("\n").length - 1;
  const p = exampleWith(
    [
      "store_and_forward:",
      "  max_age_seconds: 1.5",
      "  max_bytes: 100",
      "  max_age_second: 3",
      "  topics:",
      "    living_room_kelvin_data: {max_bytess: 4096}",
      "    nobody.publishes: {max_age_seconds: 0}",
      "    \"bad\u202etopic\": {}",
      "",
    ].join("\n"),
  );
  try {
    const err = await loadProject(p.dir).then(
      () => assert.fail("accepted bad store_and_forward"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof InputError);
    const at = (n: number, col: number, message: string) => `workflow.yaml:${lines + n}:${col}: ${message}`;
    assert.deepEqual(err.diagnostics.map(formatDiagnostic), [
      at(2, 20, "store_and_forward.max_age_seconds: must be a whole number of seconds, at least 1"),
      at(3, 14, "store_and_forward.max_bytes: must be at least 1024 bytes"),
      at(4, 3, 'store_and_forward: unknown key "max_age_second"; did you mean "max_age_seconds"?'),
      at(6, 31, 'store_and_forward.topics.living_room_kelvin_data: unknown key "max_bytess"; did you mean "max_bytes"?'),
      at(7, 5, "store_and_forward.topics.nobody.publishes: no task publishes nobody.publishes"),
      at(7, 41, "store_and_forward.topics.nobody.publishes.max_age_seconds: must be at least 1 second"),
      at(8, 5, "store_and_forward.topics: the key here must be a NATS subject to publish to: dot-separated tokens without spaces, control, bidirectional or zero-width characters, empty tokens, wildcards (* and > only work where a task subscribes), '|' or ','"),
    ]);
  } finally {
    p.cleanup();
  }
});

test("graph marks the producer's edge to a crossing topic, and nothing when no topic crosses", () => {
  const crossing = pipelineGraph(project([producer("sensor", ["edge"]), consumer("filter", ["cloud"])]));
  assert.match(renderGraph(crossing, "mermaid"), /^ {2}task0 -->\|"store-and-forward<br\/>keeps 1 d, 64 MiB"\| topic2$/m);
  assert.match(renderGraph(crossing, "dot"), /^ {2}task0 -> topic2 \[label="store-and-forward\\nkeeps 1 d, 64 MiB", style=dashed\];$/m);
  const local = pipelineGraph(project([producer("sensor", ["edge"]), consumer("filter", ["edge", "cloud"])]));
  for (const format of ["mermaid", "dot"] as const) assert.doesNotMatch(renderGraph(local, format), /store-and-forward/);
});

test("graph --json lists the crossings with the workflow's limits", () => {
  const p = exampleWith("store_and_forward:\n  max_bytes: 2048\n  topics:\n    living_room_kelvin_data: {max_age_seconds: 3600}\n");
  try {
    const json = pelatod(["graph", p.dir, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).crossings, [
      { topic: "living_room_kelvin_data", fromTier: "edge", toTier: "cloud", producers: ["Temp data conversion"], consumers: ["Data filter"], limits: { maxAgeSeconds: 3600, maxBytes: 2048 } },
    ]);
  } finally {
    p.cleanup();
  }
});
