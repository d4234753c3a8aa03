// deploy, remove and status against a real nats-server and a real wadm (no host: wadm accepts
// applications and reports that it waits for hosts; running them is the real-lattice suite's).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { resolveConfig } from "../../src/config/index.js";
import { connectNats } from "../../src/nats/connect.js";
import { renderProject } from "../../src/render/index.js";
import { deployManifests, WadmApiError, WadmClient, type Manifest } from "../../src/wadm/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { RENDER_OPTIONS } from "../helpers/fixtures.js";
import { pelatod } from "../helpers/cli.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";
import { freePort, startNats, startWadm, type NatsServer } from "../helpers/servers.js";
import { startRegistry, type RunningRegistry } from "../oci/helpers/registry.js";

let nats: NatsServer;
let wadm: { stop(): Promise<void> };
let registry: RunningRegistry;
const project = tempProject({}, EXAMPLE);
const env = () => ({ NATS_URL: nats.url, NATS_TIMEOUT_MS: "5000", REGISTRY_URL: registry.host });

before(async () => {
  nats = await startNats();
  [wadm, registry] = await Promise.all([startWadm(nats), startRegistry()]);
});
after(async () => {
  await wadm?.stop();
  await nats?.stop();
  await registry?.stop();
  project.cleanup();
});

async function models(): Promise<{ name: string; version: string; deployed_version: string | null }[]> {
  const nc = await connect({ servers: nats.url });
  try {
    return (await new WadmClient(nc, "default").list()).map((m) => ({ name: m.name, version: m.version, deployed_version: m.deployed_version ?? null }));
  } finally {
    await nc.close();
  }
}

async function versions(name: string): Promise<string[]> {
  const nc = await connect({ servers: nats.url });
  try {
    return (await new WadmClient(nc, "default").versions(name)).map((v) => v.version);
  } finally {
    await nc.close();
  }
}

test("brush (gen, build, push, deploy), redeploy unchanged, change one task, remove", async () => {
  const first = pelatod(["brush", project.dir, "--no-wait", "--json"], { env: env() });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const steps = JSON.parse(first.stdout).steps as { name: string; step: string; version: string }[];
  assert.deepEqual(steps.map((s) => [s.name, s.step]), [["celsius_to_kelvin_conversion", "put-and-deploy"], ["temp_filter", "put-and-deploy"]]);
  const listed = await models();
  assert.deepEqual(listed.map((m) => m.name).sort(), ["celsius_to_kelvin_conversion", "temp_filter"]);
  for (const m of listed) assert.equal(m.deployed_version, steps.find((s) => s.name === m.name)!.version);

  const again = pelatod(["deploy", project.dir, "--no-wait", "--json"], { env: env() });
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.deepEqual(JSON.parse(again.stdout).steps.map((s: { step: string }) => s.step), ["unchanged", "unchanged"]);
  assert.equal((await versions("temp_filter")).length, 1, "no new version");

  const filter = join(project.dir, "tasks", "filter.go");
  writeFileSync(filter, readFileSync(filter, "utf8").replace("r.Data > 400", "r.Data > 450"));
  const stale = pelatod(["deploy", project.dir, "--no-wait"], { env: env() });
  assert.equal(stale.code, 1, "deploy alone refuses sources that were not built and pushed");
  assert.match(stale.stderr, /nothing deployed:\n {2}tasks\/filter\.go: changed since it was last built/);
  const changed = JSON.parse(pelatod(["brush", project.dir, "--no-wait", "--json"], { env: env() }).stdout).steps as { name: string; step: string }[];
  assert.deepEqual(changed.map((s) => [s.name, s.step]), [["celsius_to_kelvin_conversion", "unchanged"], ["temp_filter", "put-and-deploy"]]);
  assert.equal((await versions("temp_filter")).length, 2);
  assert.equal((await versions("celsius_to_kelvin_conversion")).length, 1);

  const status = pelatod(["status", project.dir, "--json"], { env: env() });
  assert.equal(status.code, 0, status.stderr + status.stdout);
  const apps = JSON.parse(status.stdout).applications as { name: string; status: string; message: string }[];
  assert.deepEqual(apps.map((a) => a.name), ["celsius_to_kelvin_conversion", "temp_filter"]);
  assert.ok(apps.every((a) => a.status === "waiting" && /no hosts/.test(a.message)), JSON.stringify(apps));

  const removed = pelatod(["remove", project.dir, "--json"], { env: env() });
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(JSON.parse(removed.stdout).removed, ["celsius_to_kelvin_conversion", "temp_filter"]);
  assert.deepEqual(await models(), []);
});

test("remove leaves other projects' applications alone", async () => {
  const other = tempProject({}, EXAMPLE);
  try {
    const wf = join(other.dir, "workflow.yaml");
    writeFileSync(wf, readFileSync(wf, "utf8").replace("project_name: Temperature data analysis", "project_name: Another project").replaceAll("component_name: ", "component_name: other_"));
    assert.equal(pelatod(["brush", other.dir, "--no-wait"], { env: env() }).code, 0);
    assert.equal(pelatod(["deploy", project.dir, "--no-wait"], { env: env() }).code, 0);
    const r = pelatod(["remove", project.dir, "--json"], { env: env() });
    assert.deepEqual(JSON.parse(r.stdout).removed, ["celsius_to_kelvin_conversion", "temp_filter"]);
    assert.deepEqual((await models()).map((m) => m.name).sort(), ["other_celsius_to_kelvin_conversion", "other_temp_filter"]);
    pelatod(["remove", other.dir], { env: env() });
  } finally {
    other.cleanup();
  }
});

test("deploy refuses an image the registry does not hold", async () => {
  const elsewhere = await startRegistry();
  try {
    const r = pelatod(["deploy", project.dir, "--no-wait"], { env: { ...env(), REGISTRY_URL: elsewhere.host } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${elsewhere.host.replace(/\./g, "\\.")}/temp_filter:1\\.0\\.2 is not in the registry`));
    assert.deepEqual(await models(), []);
  } finally {
    await elsewhere.stop();
  }
});

test("waiting for deployed reports wadm's own status when the time runs out", async () => {
  const r = pelatod(["deploy", project.dir, "--wait-timeout", "2"], { env: env() });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /celsius_to_kelvin_conversion: not deployed after 2 s \(waiting: Waiting for status: Lattice contains no hosts/);
  assert.match(r.stderr, /temp_filter: waiting: /, "progress shows wadm's status");
  pelatod(["remove", project.dir], { env: env() });
});

test("wadm rejecting a manifest: its message is shown", async () => {
  const nc = await connect({ servers: nats.url });
  try {
    const client = new WadmClient(nc, "default");
    await assert.rejects(client.put({ metadata: { name: "x", annotations: { version: "v1" } }, spec: { components: [{ name: "c", type: "nonsense" }] } } as never), (e: unknown) => {
      assert.ok(e instanceof WadmApiError);
      assert.match(e.message, /^wadm refused wadm\.api\.default\.model\.put: Unable to parse manifest/);
      assert.doesNotMatch(e.message, /backtrace/i);
      return true;
    });
  } finally {
    await nc.close();
  }
});

test("NATS not reachable: a clear error naming the server, exit 1", async () => {
  const port = await freePort();
  const r = pelatod(["deploy", project.dir, "--no-wait"], { env: { ...env(), NATS_URL: `nats://127.0.0.1:${port}` } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^error: cannot connect to NATS at nats://127\\.0\\.0\\.1:${port}`, "m"));
});

test("no wadm on the lattice: an error naming the subject", async () => {
  const bare = await startNats(); // wadm serves every lattice on its NATS, so a NATS without one
  try {
    const r = pelatod(["deploy", project.dir, "--no-wait", "--lattice", "edge1"], { env: { ...env(), NATS_URL: bare.url } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no answer from wadm on wadm\.api\.edge1\.model\.get \(no responders\)/);
  } finally {
    await bare.stop();
  }
});

test("NATS restarted between two deploys: the same client reconnects and the second deploy succeeds", async () => {
  const config = resolveConfig(project.dir, { natsUrl: nats.url }, {});
  const nc = await connectNats(config.nats);
  try {
    const client = new WadmClient(nc, "default", 5000);
    const rendered = async () => (await renderProject(await loadProject(project.dir), RENDER_OPTIONS)).tasks.map((t) => t.manifest as Manifest);
    await deployManifests(client, await rendered());
    const reconnected = (async () => {
      for await (const s of nc.status()) if (s.type === "reconnect") return;
    })();
    await nats.restart();
    await reconnected;
    const filter = join(project.dir, "tasks", "filter.go");
    writeFileSync(filter, readFileSync(filter, "utf8").replace("r.Data < 0", "r.Data < 1"));
    // wadm reconnects on its own schedule; the first requests may find no responder yet.
    let steps: Awaited<ReturnType<typeof deployManifests>> | undefined;
    for (let i = 0; i < 40 && !steps; i++) steps = await deployManifests(client, await rendered()).catch(() => new Promise<undefined>((r) => setTimeout(r, 250)));
    assert.ok(steps, "deploy after the restart");
    assert.equal(steps.find((s) => s.name === "temp_filter")!.step, "put-and-deploy");
    assert.ok(!nc.isClosed());
  } finally {
    await nc.close();
    pelatod(["remove", project.dir], { env: env() });
  }
});

test("status --watch prints the table again when wadm reports a change", async () => {
  assert.equal(pelatod(["brush", project.dir, "--no-wait"], { env: env() }).code, 0);
  const { spawn } = await import("node:child_process");
  const { CLI } = await import("../helpers/project.js");
  const watch = spawn(process.execPath, [CLI, "status", project.dir, "--watch", "--json"], { env: { ...process.env, ...env(), NO_COLOR: "1" } });
  let out = "";
  watch.stdout.on("data", (d: Buffer) => (out += d.toString()));
  try {
    const documents = () => out.split(/\n(?=\{)/).filter((d) => d.trim()).length;
    for (let i = 0; i < 100 && documents() < 1; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(documents(), 1, "the first table");
    assert.equal(pelatod(["remove", project.dir], { env: env() }).code, 0); // wadm publishes status updates
    for (let i = 0; i < 100 && documents() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(documents() >= 2, `only ${documents()} document(s):\n${out}`);
  } finally {
    watch.kill("SIGINT");
  }
});

test("what gen writes is what wadm takes: each gen/<component>/wadm.yaml of a 3-task project, sent as written to model.put, is created (what gen/project.wadm.yaml was, wadm refused)", async () => {
  const three = tempProject({ "tasks/echo.go": "package main\n\nfunc exec_task(arg string) string { return arg }\n" }, EXAMPLE);
  const nc = await connect({ servers: nats.url });
  try {
    writeFileSync(join(three.dir, "workflow.yaml"), readFileSync(join(three.dir, "workflow.yaml"), "utf8") + "  - {name: Echo, type: processor_nats, code: echo.go, targets: [cloud], source_topic: e.in, dest_topic: e.out, component_name: put_echo, version: 0.1.0}\n");
    const gen = pelatod(["gen", three.dir], { env: env() });
    assert.equal(gen.code, 0, gen.stderr);
    const put = async (text: string) => (await nc.request("wadm.api.default.model.put", text, { timeout: 5000 })).json<{ result: string; message: string }>();
    for (const component of ["celsius_to_kelvin_conversion", "temp_filter", "put_echo"]) {
      const text = readFileSync(join(three.dir, "gen", component, "wadm.yaml"), "utf8");
      const reply = await put(text.replace(/^(\s+version: )(.*)$/m, "$1$2-put"));
      assert.equal(reply.result, "created", `${component}: ${reply.message}`);
    }
    const joined = ["celsius_to_kelvin_conversion", "temp_filter"].map((c) => readFileSync(join(three.dir, "gen", c, "wadm.yaml"), "utf8")).join("---\n");
    assert.equal((await put(joined)).result, "error", "the multi-document file gen no longer writes: wadm's loader refuses it");
    for (const component of ["celsius_to_kelvin_conversion", "temp_filter", "put_echo"]) await nc.request(`wadm.api.default.model.del.${component}`, "", { timeout: 5000 });
  } finally {
    await nc.close();
    three.cleanup();
  }
});

test("remove finds what this folder deployed after project_name changed, leaves a name another project took over, and with --original removes what the original PELATO named after the tasks", async () => {
  const renamed = tempProject({}, EXAMPLE);
  const other = tempProject({}, EXAMPLE);
  const nc = await connect({ servers: nats.url });
  try {
    const wf = join(renamed.dir, "workflow.yaml");
    // wadm refuses application names with spaces, so the original PELATO could deploy only tasks named without them.
    const text = readFileSync(wf, "utf8").replaceAll("component_name: ", "component_name: ren_").replace("name: Data filter", "name: Data_filter").replace("name: Temp data conversion", "name: Temp_data_conversion");
    writeFileSync(wf, text);
    assert.equal(pelatod(["brush", renamed.dir, "--no-wait"], { env: env() }).code, 0);
    writeFileSync(wf, text.replace("project_name: Temperature data analysis", "project_name: Renamed analysis"));
    // Another project takes one of the names over (its own annotation).
    const owf = join(other.dir, "workflow.yaml");
    writeFileSync(owf, readFileSync(owf, "utf8").replace("project_name: Temperature data analysis", "project_name: Taker").replace("component_name: temp_filter", "component_name: ren_temp_filter"));
    writeFileSync(join(other.dir, "tasks", "filter.go"), readFileSync(join(other.dir, "tasks", "filter.go"), "utf8").replace("400", "401"));
    assert.equal(pelatod(["brush", other.dir, "--no-wait"], { env: env() }).code, 0);
    // What the original PELATO deployed for the "Data_filter" task: its name, no pelatod annotation.
    const app = (name: string, image: string) => ({ apiVersion: "core.oam.dev/v1beta1", kind: "Application", metadata: { name, annotations: { version: "v0.0.1" } }, spec: { components: [{ name: "c", type: "component", properties: { image }, traits: [{ type: "spreadscaler", properties: { instances: 1 } }] }] } });
    for (const manifest of [app("Data_filter", `${registry.host}/ren_temp_filter:1.0.2`), app("Temp_data_conversion", `${registry.host}/somebody_else:1.0.0`)]) {
      const put = (await nc.request("wadm.api.default.model.put", JSON.stringify(manifest), { timeout: 5000 })).json<{ result: string; message: string }>();
      assert.equal(put.result, "created", put.message);
    }

    const r = pelatod(["remove", renamed.dir, "--json"], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).removed, ["ren_celsius_to_kelvin_conversion"], "found by .pelato/deployed.json under its old project_name; ren_temp_filter is Taker's now");
    assert.deepEqual((await models()).map((m) => m.name).sort(), ["Data_filter", "Temp_data_conversion", "celsius_to_kelvin_conversion", "ren_temp_filter"], "Taker's two stay");
    const withOriginal = pelatod(["remove", renamed.dir, "--original", "--json"], { env: env() });
    assert.equal(withOriginal.code, 0, withOriginal.stderr);
    assert.deepEqual(JSON.parse(withOriginal.stdout), { ok: true, removed: ["Data_filter"], original: ["Data_filter"] });
    assert.deepEqual((await models()).map((m) => m.name).sort(), ["Temp_data_conversion", "celsius_to_kelvin_conversion", "ren_temp_filter"], "a task's name on another image is not the original's: it stays");
    await nc.request("wadm.api.default.model.del.Temp_data_conversion", "", { timeout: 5000 });
    pelatod(["remove", other.dir], { env: env() });
  } finally {
    await nc.close();
    renamed.cleanup();
    other.cleanup();
  }
});
