// A task's concurrency on the embedded default: with 2, a message is answered while another is
// still being handled; with 1, messages are handled one at a time, in order.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import type { NatsConnection } from "@nats-io/transport-node";
import { localWorkers } from "../../src/host/index.js";
import { startLocalPipeline, type LocalPipeline } from "../helpers/local.js";
import { tempProject } from "../helpers/project.js";

// "block" spins until the host gives up on it (the message time limit); anything else is echoed.
const TASK = 'package main\n\nfunc exec_task(arg string) string {\n\tfor arg == "block" {\n\t}\n\treturn "echo:" + arg\n}\n';
const workflow = `project_name: Concurrency\ntasks:\n${[1, 2]
  .map((c) => `  - {name: c${c}, type: processor_nats, code: block.go, targets: [edge], source_topic: in.c${c}, dest_topic: out.c${c}, component_name: c${c}, version: 1.0.0, concurrency: ${c}}`)
  .join("\n")}\n`;
const project = tempProject({ "workflow.yaml": workflow, "tasks/block.go": TASK });
const LIMIT_MS = 3000;
let pipeline: LocalPipeline;
let nc: NatsConnection;

before(async () => {
  pipeline = await startLocalPipeline(project.dir, { limits: { messageTimeoutMs: LIMIT_MS } });
  nc = pipeline.nc;
});
after(async () => {
  await pipeline?.stop();
  project.cleanup();
});

/** Sends "block", then "x"; returns the order in which their answers came. */
async function race(task: string): Promise<string[]> {
  const order: string[] = [];
  const blocked = nc.request(`in.${task}`, "block", { timeout: LIMIT_MS * 4 }).then((m) => void order.push(`block:${m.headers?.get("Pelato-Error") ? "error" : m.string()}`));
  const echoed = nc.request(`in.${task}`, "x", { timeout: LIMIT_MS * 4 }).then((m) => void order.push(m.string()));
  await Promise.all([blocked, echoed]);
  return order;
}

test("concurrency 2: a message is answered while the one before it still runs", async () => {
  assert.equal(localWorkers(2), 2);
  assert.deepEqual(await race("c2"), ["echo:x", "block:error"]);
});

test("concurrency 1: the next message waits for the one before it", async () => {
  assert.deepEqual(await race("c1"), ["block:error", "echo:x"]);
});

test("the local host runs no more workers than the concurrency, nor than the cores (at least two)", () => {
  assert.equal(localWorkers(1), 1);
  assert.equal(localWorkers(1024), Math.max(2, availableParallelism()));
});
