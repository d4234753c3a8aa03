import { test } from "node:test";
import assert from "node:assert/strict";
import { downstreamOfHttp, downstreamTopics, subjectMatches } from "../../src/workflow/index.js";
import { project, task } from "../helpers/fixtures.js";

test("NATS subject matching with * and >", () => {
  const cases: [string, string, boolean][] = [
    ["a.b", "a.b", true],
    ["a.b", "a.*", true],
    ["a.b.c", "a.*", false],
    ["a.b.c", "a.>", true],
    ["a", "a.>", false],
    ["a.b", "*.b", true],
    ["a.b", "a.c", false],
    ["a.b", ">", true],
  ];
  for (const [s, p, want] of cases) assert.equal(subjectMatches(s, p), want, `${s} ~ ${p}`);
});

test("downstream topics follow tasks through wildcards and stop at cycles", () => {
  const p = project([
    task({ component_name: "a", source_topic: "raw", dest_topic: "sensors.kelvin" }),
    task({ component_name: "b", source_topic: "sensors.*", dest_topic: "filtered" }),
    task({ component_name: "c", source_topic: "filtered", dest_topic: "raw" }),
    task({ component_name: "d", source_topic: "other", dest_topic: "elsewhere" }),
  ]);
  assert.deepEqual(downstreamTopics(p, "raw"), ["sensors.kelvin", "filtered"]);
  assert.deepEqual(downstreamTopics(p, "nothing"), []);
  const http = project([task({ type: "http_producer_nats", component_name: "h", source_topic: undefined, dest_topic: "raw" }), ...p.tasks]);
  assert.deepEqual(downstreamOfHttp(http, (t) => t === "http_producer_nats"), ["raw", "sensors.kelvin", "filtered"]);
});
