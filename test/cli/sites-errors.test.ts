// A broken site definition is a clear error before anything starts: no network namespace, no
// lattice record, no server, no gen/.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { pelatod } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";

const cache = tempProject();
// Its own run folder: where lattice up --sites records the subnet it claims.
const env = { PELATO_CACHE: cache.dir, PELATO_RUN_DIR: join(cache.dir, "run") };
const fog = tempProject({
  "workflow.yaml": "project_name: fog\ntasks:\n  - name: t\n    type: processor_nats\n    code: t.go\n    targets: [edge, fog]\n    source_topic: in\n    dest_topic: out\n    component_name: t\n    version: 1.0.0\n",
  "tasks/t.go": "package main\n\nfunc exec_task(arg string) string { return arg }\n",
});
let held: Server | undefined;
after(() => {
  held?.close();
  cache.cleanup();
  fog.cleanup();
});

/** No subnet claimed (the step before any namespace), no server set up or started. */
function assertNothingStarted(r: { stderr: string }): void {
  assert.ok(!existsSync(env.PELATO_RUN_DIR) || readdirSync(env.PELATO_RUN_DIR).length === 0, "no subnet claimed");
  assert.doesNotMatch(r.stderr, /sites on 10\.213|pelato setup|lattice \S+ up/, "nothing set up or started");
}

test("a task target no site has: lattice up --sites and brush on PELATO_SITES exit 2 at the target's line:col", () => {
  const up = pelatod(["lattice", "up", "--sites", "cloud,edge-1", "--project", fog.dir], { env });
  assert.equal(up.code, 2, up.stderr);
  assert.match(up.stderr, /workflow\.yaml:6:21: tasks\[0\]\.targets: no site has the tier "fog" \(the sites' tiers: cloud, edge\)/);
  assertNothingStarted(up);
  const brush = pelatod(["brush", fog.dir], { env: { ...env, PELATO_SITES: "cloud,edge-1", REGISTRY_URL: "127.0.0.1:9", NATS_URL: "nats://127.0.0.1:9" } });
  assert.equal(brush.code, 2, brush.stderr);
  assert.match(brush.stderr, /workflow\.yaml:6:21: .*no site has the tier "fog"/);
  assert.ok(!existsSync(join(fog.dir, "gen")), "nothing rendered");
});

test("two hubs, or a malformed site list, exit 2 naming the sites", () => {
  const two = pelatod(["lattice", "up", "--sites", "cloud,edge-1,cloud-2"], { env });
  assert.equal(two.code, 2);
  assert.match(two.stderr, /two hubs \(cloud, cloud-2\)/);
  const bad = pelatod(["lattice", "up", "--sites", "cloud,Edge_1"], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /site name "Edge_1"/);
  const mixed = pelatod(["lattice", "up", "--sites", "cloud,edge-1", "--nats-port", "4222"], { env });
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /--nats-port does not apply/);
  for (const r of [two, bad, mixed]) assertNothingStarted(r);
  const sites = pelatod(["validate", fog.dir], { env: { PELATO_SITES: "cloud,,edge-1" } });
  assert.equal(sites.code, 2);
  assert.match(sites.stderr, /PELATO_SITES.*an empty site name/);
});

test("a port already in use: lattice up exits 2 naming it, with nothing started", async () => {
  held = createServer();
  const port = await new Promise<number>((r) => held!.listen(0, "127.0.0.1", () => r((held!.address() as { port: number }).port)));
  const r = pelatod(["lattice", "up", "--nats-port", String(port)], { env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`--nats-port ${port}: already in use; nothing was started`));
  assertNothingStarted(r);
});

