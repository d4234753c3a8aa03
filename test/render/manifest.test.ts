import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { appFromManifest } from "../../src/host/index.js";
import { DEFAULT_CONCURRENCY, MANIFEST_FILE, renderProject } from "../../src/render/index.js";
import { pinManifest } from "../../src/wadm/index.js";
import { project, RENDER_OPTIONS, task } from "../helpers/fixtures.js";

type Component = { name: string; type: string; properties: { image: string; config?: { properties: Record<string, string> }[] }; traits: { type: string; properties: Record<string, unknown> }[] };

test("a processor's application: image, runtime dest_topic, a daemonscaler on every host of its targets, links both ways", async () => {
  const r = await renderProject(project([task({ targets: ["edge", "cloud", "fog"], component_name: "proc", version: "2.1.0" })]), RENDER_OPTIONS);
  const m = parse(r.tasks[0]!.files.get(MANIFEST_FILE)!);
  assert.equal(m.apiVersion, "core.oam.dev/v1beta1");
  assert.equal(m.kind, "Application");
  assert.equal(m.metadata.name, "proc");
  assert.match(m.metadata.annotations.version, /^2\.1\.0-[0-9a-f]{10}$/);
  const [comp, nats] = m.spec.components as Component[];
  assert.equal(comp!.properties.image, "localhost:5000/proc:2.1.0");
  assert.deepEqual(comp!.properties.config![0]!.properties, { dest_topic: "out" });
  assert.equal(comp!.traits[0]!.type, "daemonscaler", "a spreadscaler would put all of a tier's instances on one of its hosts (one site)");
  assert.equal(comp!.traits[0]!.properties.instances, DEFAULT_CONCURRENCY);
  assert.deepEqual(comp!.traits[0]!.properties.spread, [["edge"], ["cloud"], ["fog"]].map(([t]) => ({ name: t, requirements: { "host-type": t } })));
  assert.deepEqual(comp!.traits[1], { type: "link", properties: { namespace: "wasmcloud", package: "messaging", interfaces: ["consumer"], target: { name: "nats-messaging" } } });
  assert.equal(nats!.type, "capability");
  assert.equal(nats!.properties.image, "ghcr.io/wasmcloud/messaging-nats:0.23.1");
  assert.equal(nats!.traits[0]!.type, "daemonscaler");
  const sub = nats!.traits[1]!.properties as { interfaces: string[]; target: { name: string }; source: { config: { properties: Record<string, string> }[] } };
  assert.deepEqual(sub.interfaces, ["handler"]);
  assert.equal(sub.target.name, "proc");
  assert.equal(sub.source.config[0]!.properties.subscriptions, "in|pelato.proc", "the tiers' instances share the topic in one queue group");
});

test("concurrency: that many instances on each host; the local host reads it back", async () => {
  for (const [concurrency, targets] of [[1, ["edge"]], [1, ["edge", "cloud"]], [5, ["edge", "cloud", "fog"]]] as const) {
    const r = await renderProject(project([task({ targets: [...targets], concurrency })]), RENDER_OPTIONS);
    const manifest = r.tasks[0]!.manifest;
    const comp = (parse(r.tasks[0]!.files.get(MANIFEST_FILE)!).spec.components as Component[])[0]!;
    assert.equal(comp.traits[0]!.properties.instances, concurrency);
    assert.equal(appFromManifest(manifest, new Uint8Array(), "d").concurrency, concurrency);
  }
});

test("an HTTP producer listens on the configured port; a kv task names its bucket and needs no key-value provider; cluster_uris when NATS is configured", async () => {
  const r = await renderProject(
    project([
      task({ type: "http_producer_nats", source_topic: undefined, component_name: "web" }),
      task({ type: "nats_to_nats-kv", dest_topic: undefined, bucket: "latest", signature: "kv-pair", component_name: "store" }),
    ]),
    { ...RENDER_OPTIONS, httpPort: 9090, clusterUri: "nats://10.1.2.3:4300" },
  );
  const web = parse(r.tasks[0]!.files.get(MANIFEST_FILE)!).spec.components as Component[];
  const http = web.find((c) => c.name === "http-server")!;
  assert.equal((http.traits[1]!.properties as { source: { config: { properties: { address: string } }[] } }).source.config[0]!.properties.address, "0.0.0.0:9090");
  assert.equal(web.find((c) => c.name === "nats-messaging")!.traits.length, 1, "no subscription without a source_topic");
  const store = parse(r.tasks[1]!.files.get(MANIFEST_FILE)!).spec.components as Component[];
  assert.deepEqual(store[0]!.properties.config![0]!.properties, { bucket: "latest" });
  assert.deepEqual(store.map((c) => c.name), ["store", "nats-messaging"], "the put goes through messaging: no key-value provider");
  const consumer = store[0]!.traits.find((t) => t.properties.package === "messaging")!;
  assert.deepEqual((consumer.properties.target as { config: { properties: object }[] }).config[0]!.properties, { cluster_uris: "nats://10.1.2.3:4300" });
});

test("the kv handler calls exec_task with the signature the task declares", async () => {
  const r = await renderProject(
    project([
      task({ type: "nats_to_nats-kv", dest_topic: undefined, bucket: "b", signature: "kv-pair", component_name: "pair" }),
      task({ type: "nats_to_nats-kv", dest_topic: undefined, bucket: "b", signature: "kv-value", component_name: "value" }),
    ]),
    RENDER_OPTIONS,
  );
  assert.match(r.tasks[0]!.files.get("pelato_main.go")!, /key, value := exec_task\(subject, string\(body\)\)/);
  assert.match(r.tasks[1]!.files.get("pelato_main.go")!, /key, value := subject, exec_task\(subject, string\(body\)\)/);
});

test("versions change only for the task whose rendered content changed", async () => {
  const a = task({ component_name: "a" });
  const b = task({ component_name: "b", source_topic: "out", dest_topic: "final" });
  const before = await renderProject(project([a, b]), RENDER_OPTIONS);
  const comment = await renderProject(project([a, { ...b }]), RENDER_OPTIONS);
  assert.deepEqual(comment.tasks.map((t) => t.version), before.tasks.map((t) => t.version));
  const codeChanged = await renderProject(project([{ ...a, source: a.source + "// more\n" }, b]), RENDER_OPTIONS);
  assert.notEqual(codeChanged.tasks[0]!.version, before.tasks[0]!.version);
  assert.equal(codeChanged.tasks[1]!.version, before.tasks[1]!.version);
  const topicChanged = await renderProject(project([a, { ...b, dest_topic: "elsewhere" }]), RENDER_OPTIONS);
  assert.equal(topicChanged.tasks[0]!.version, before.tasks[0]!.version);
  assert.notEqual(topicChanged.tasks[1]!.version, before.tasks[1]!.version);
});

test("gen writes one application per task and no multi-document file (wadm's loader takes one document)", async () => {
  const r = await renderProject(project([task({ component_name: "a" }), task({ component_name: "b" })]), RENDER_OPTIONS);
  assert.deepEqual([...r.files.keys()].filter((f) => f.endsWith(".yaml")).sort(), [`a/${MANIFEST_FILE}`, `b/${MANIFEST_FILE}`]);
  for (const t of r.tasks) assert.equal(parse(t.files.get(MANIFEST_FILE)!).metadata.name, t.dir);
});

test("a postgres sink: its provider reads the consumer's subject in the task's queue group and hands the component batches; the component names its table and writes through the provider, with a config only pelatod puts", async () => {
  const r = await renderProject(project([task({ type: "nats_to_postgres", dest_topic: undefined, table: "public.Readings", key: "id", component_name: "sink" })]), { ...RENDER_OPTIONS, providers: { ...RENDER_OPTIONS.providers, postgres: "localhost:5000/pelato-postgres-provider:0.1.0-abc" } });
  const m = r.tasks[0]!.manifest;
  const hash = m.metadata.annotations.version.split("-").at(-1)!;
  const [comp, provider, ...others] = m.spec.components;
  assert.deepEqual(others, [], "no messaging provider: the postgres provider reads the topic");
  assert.deepEqual(comp!.properties.config![0]!.properties, { table: "public.Readings", key: "id" });
  const pgLink = comp!.traits.find((t) => t.type === "link" && t.properties.package === "postgres")!;
  assert.deepEqual(pgLink.properties, { namespace: "wasmcloud", package: "postgres", interfaces: ["query"], target: { name: "postgres", config: [{ name: "sink-database" }] } });
  assert.deepEqual(comp!.traits.filter((t) => t.type === "link").map((t) => (t.properties as { package: string }).package), ["postgres"]);
  const reading = provider!.traits.find((t) => t.type === "link")!.properties as { namespace: string; package: string; interfaces: string[]; target: { name: string }; source: { config: { name: string; properties: Record<string, string> }[] } };
  assert.deepEqual([reading.namespace, reading.package, reading.interfaces, reading.target], ["pelato", "sink", ["rows"], { name: "sink" }]);
  assert.deepEqual(reading.source.config[0]!.properties, { subject: "pelato.sink.sink", queue: "pelato.sink" });
  assert.deepEqual([provider!.name, provider!.type, provider!.properties.image], ["postgres", "capability", "localhost:5000/pelato-postgres-provider:0.1.0-abc"]);
  // wadm deletes an old version's configs: each one wadm puts carries the version; the database's, put by pelatod, keeps its name.
  const names = JSON.stringify(m).match(/"name":"[^"]*-(runtime|sink|database)[^"]*"/g)!;
  for (const n of names) assert.ok(n.includes("-database") ? n === '"name":"sink-database"' : n.endsWith(`-${hash}"`), n);
  const pinned = pinManifest(m, new Map([["localhost:5000/sink:1.0.0", "sha256:" + "a".repeat(64)], ["localhost:5000/pelato-postgres-provider:0.1.0-abc", "sha256:" + "b".repeat(64)]]));
  const [pc, pp] = pinned.spec.components;
  assert.equal(pp!.properties.image, `localhost:5000/pelato-postgres-provider:0.1.0-abc@sha256:${"b".repeat(64)}`);
  assert.equal(pp!.properties.id, undefined, "the provider keeps its id");
  assert.ok(pc!.traits.some((t) => t.type === "link" && JSON.stringify(t).includes('"sink-database"')));
});
