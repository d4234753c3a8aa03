// The embedded default's host on a real nats-server, running the example's real components.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { NatsConnection } from "@nats-io/transport-node";
import type { HostEvent } from "../../src/host/index.js";
import { collectUntil } from "../helpers/collect.js";
import { startLocalPipeline, type LocalPipeline } from "../helpers/local.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";
import { freePort } from "../helpers/servers.js";

let pipeline: LocalPipeline;
let nc: NatsConnection;
let httpPort: number;
const events: HostEvent[] = [];
const project = tempProject({}, EXAMPLE);

before(async () => {
  httpPort = await freePort();
  pipeline = await startLocalPipeline(project.dir, { httpPort, onEvent: (e) => events.push(e) });
  nc = pipeline.nc;
});
after(async () => {
  await pipeline?.stop();
  project.cleanup();
});

const collect = (subject: string, send: () => Promise<unknown>, enough = (got: string[]) => got.length > 0) => collectUntil(nc, subject, send, enough);
const post = (body: string) => fetch(`http://127.0.0.1:${httpPort}/`, { method: "POST", body });

test("POST 21.5 to the HTTP producer: 294.65 arrives on the final topic", async () => {
  let status = 0;
  const got = await collect("filtered_kelvin_data", async () => {
    const r = await fetch(`http://127.0.0.1:${httpPort}/`, { method: "POST", body: '{"Data":21.5,"Name":"living room"}' });
    status = r.status;
    assert.equal(await r.text(), '{"Data":294.65,"Name":"living room"}');
  });
  assert.equal(status, 200);
  assert.deepEqual(got, ['{"Data":294.65,"Name":"living room"}']);
});

test("an out-of-range value produces nothing on the final topic", async () => {
  // A reading that passes, sent after it: once that arrives, the first one would have too.
  const marker = '{"Data":0,"Name":"marker"}';
  const got = await collect("filtered_kelvin_data", async () => (await post('{"Data":500}'), await post(marker)), (g) => g.includes('{"Data":273.15,"Name":"marker"}'));
  assert.deepEqual(got, ['{"Data":273.15,"Name":"marker"}']);
});

test("NATS input works too: a reading on the source topic flows through both tasks", async () => {
  const got = await collect("filtered_kelvin_data", async () => nc.publish("living_room_celsius_data", '{"Data":-273.15,"Name":"cold"}'));
  assert.deepEqual(got, ['{"Data":0,"Name":"cold"}']);
});

test("the host reports what it started, with spread targets and subscriptions, and each message it handled", async () => {
  const started = events.filter((e) => e.type === "started") as Extract<HostEvent, { type: "started" }>[];
  assert.deepEqual(started.map((e) => [e.app, e.targets, e.subscriptions]).sort(), [
    ["celsius_to_kelvin_conversion", ["edge"], ["living_room_celsius_data"]],
    ["temp_filter", ["cloud"], ["living_room_kelvin_data"]],
  ]);
  const from = events.length;
  await collect("filtered_kelvin_data", async () => nc.publish("living_room_kelvin_data", '{"Data":300,"Name":"handled"}'));
  assert.deepEqual(events.slice(from).flatMap((e) => (e.type === "handled" ? [e.app] : [])), ["temp_filter"]);
});
