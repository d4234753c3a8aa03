// validate and graph on a project with data sinks: DATABASE_URL is checked for its shape without
// connecting; graph shows the buckets and tables the tasks write into.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pelatod } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { sinkProjectFiles } from "../helpers/sink-project.js";

const withKv = (files: Record<string, string>) => ({
  ...files,
  "workflow.yaml": `${files["workflow.yaml"]}  - {name: Latest, type: nats_to_nats-kv, code: latest.go, targets: [cloud], source_topic: rows.plain, bucket: latest_rows, component_name: latest, version: 0.1.0}\n`,
  "tasks/latest.go": "package main\n\nfunc exec_task(key string, data string) string { return data }\n",
});

test("validate: postgres tasks need DATABASE_URL, of the right shape, checked without connecting", () => {
  const p = tempProject(sinkProjectFiles());
  try {
    const none = pelatod(["validate", p.dir], { env: { DATABASE_URL: "" } });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /DATABASE_URL: not set; plain_sink, keyed_sink, missing_sink write into PostgreSQL/);

    const bad = tempProject({ ...sinkProjectFiles(), ".env": "NATS_PORT=4300\nDATABASE_URL=postgresql://app:topsecret@db.example\n" });
    try {
      const r = pelatod(["validate", bad.dir], { env: { DATABASE_URL: "" } });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /\.env:2:1: DATABASE_URL: names no database/);
      assert.ok(!r.stderr.includes("topsecret"));
    } finally {
      bad.cleanup();
    }

    // Port 9 on loopback: nothing listens there, and validate never tries.
    const ok = pelatod(["validate", p.dir, "--json"], { env: { DATABASE_URL: "postgresql://app:topsecret@127.0.0.1:9/readings" } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).tasks.length, 3);
    assert.ok(!ok.stdout.includes("topsecret") && !ok.stderr.includes("topsecret"));
  } finally {
    p.cleanup();
  }
});

test("graph shows each task's table (and the key it upserts on) and each kv task's bucket", () => {
  const p = tempProject(withKv(sinkProjectFiles()));
  try {
    const mermaid = pelatod(["graph", p.dir]);
    assert.equal(mermaid.code, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /\[\("PostgreSQL plain_rows"\)\]/);
    assert.match(mermaid.stdout, /-->\|"upsert on id"\| table\d+/);
    assert.match(mermaid.stdout, /\[\("PostgreSQL public\.keyed_rows"\)\]/);
    assert.match(mermaid.stdout, /\[\("KV latest_rows"\)\]/);
    const dot = pelatod(["graph", p.dir, "--format", "dot"]);
    assert.match(dot.stdout, /shape=cylinder, label="PostgreSQL plain_rows"/);
  } finally {
    p.cleanup();
  }
});

test("for a lattice, a DATABASE_URL that demands TLS is refused before anything is set up (the provider has none); the embedded default takes it", async () => {
  const { startNats } = await import("../helpers/servers.js");
  const { connect } = await import("@nats-io/transport-node");
  const { setUpSinks } = await import("../../src/pipeline/index.js");
  const { resolveConfig } = await import("../../src/config/index.js");
  const { loadProject } = await import("../../src/workflow/index.js");
  const { InputError } = await import("../../src/errors.js");
  const nats = await startNats();
  const nc = await connect({ servers: nats.url });
  const p = tempProject(sinkProjectFiles());
  try {
    const project = await loadProject(p.dir);
    const config = resolveConfig(p.dir, {}, { NATS_URL: nats.url, DATABASE_URL: "postgresql://app:topsecret@127.0.0.1:9/readings?sslmode=require" });
    await assert.rejects(setUpSinks(nc, project, config, { timeoutMs: 2000, lattice: "default" }), (e: unknown) => e instanceof InputError && /sslmode=require, but pelatod's PostgreSQL provider connects without TLS/.test(e.message) && !e.message.includes("topsecret"));
    const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(nc);
    assert.deepEqual((await jsm.streams.names().next()).filter((n) => n.startsWith("PELATO_SINK_")), [], "nothing was set up");
    const local = await setUpSinks(nc, project, config, { timeoutMs: 2000 });
    assert.equal(local.plan.streams.length, 3, "the embedded default sets the sinks up");
    assert.match(local.warnings.join("\n"), /cannot reach postgresql:\/\/127\.0\.0\.1:9\/readings \(user app\)/);
  } finally {
    await nc.close();
    await nats.stop();
    p.cleanup();
  }
});
