// kill -9 of the daemon at 10 points of a redeploy, spread from the first change event to the
// end of the cycle (right after each stage began, and at random times): every
// restart converges on the state the files describe, and nothing is put to wadm twice.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { resolveConfig } from "../../src/config/index.js";
import { loadAndRender } from "../../src/pipeline/index.js";
import { WadmClient } from "../../src/wadm/index.js";
import { tempProject } from "../helpers/project.js";
import type { NatsServer } from "../helpers/servers.js";
import { spawnDaemon, TAG, upper, WORKFLOW, type DaemonProcess } from "./helpers/daemon-process.js";
import { startLatticeServices, type LatticeServices } from "./helpers/lattice-services.js";
import type { RestartableRegistry } from "./helpers/restartable-registry.js";

const run = randomBytes(4).toString("hex");
const p = tempProject({ "workflow.yaml": WORKFLOW(), "tasks/upper.go": upper(`k0-${run}`), "tasks/tag.go": TAG });
let nats: NatsServer;
let registry: RestartableRegistry;
let services: LatticeServices;
let nc: NatsConnection;
let d: DaemonProcess | undefined;

const env = () => ({ NATS_URL: nats.url, REGISTRY_URL: registry.host });
const start = async () => {
  d = spawnDaemon(["watch", p.dir, "--metrics", "off"], env());
  await d.waitFor((e) => e.type === "ready", { what: "ready", timeoutMs: 300_000 });
  return d;
};
/** The versions the files on disk describe, rendered as the daemon renders them. */
const expected = async () => new Map((await loadAndRender(p.dir, resolveConfig(p.dir, {}, { ...process.env, ...env() }))).rendered.tasks.map((t) => [t.dir, t.version]));

before(async () => {
  services = await startLatticeServices();
  ({ nats, registry } = services);
  nc = await connect({ servers: nats.url });
});
after(async () => {
  await d?.stop();
  await nc?.close();
  await services?.stop();
  p.cleanup();
});

test("kill -9 at 10 random points of a redeploy: each restart converges, nothing is lost or put twice", async () => {
  const wadmc = new WadmClient(nc, "default");
  let daemon = await start();
  // One undisturbed redeploy measures how long a redeploy takes on this machine.
  let from = daemon.mark();
  writeFileSync(join(p.dir, "tasks", "upper.go"), upper(`k1-${run}`));
  const first = await daemon.waitFor((e) => e.type === "cycle" && e.outcome === "ok", { from, what: "a redeploy" });
  const span = Number(first.ms) + 300;
  const killedIn: string[] = [];
  // Five points just after a stage began (as the daemon reported it), five at random times.
  const points: (string | number)[] = ["change", "plan", "built", "pushed", "deployed", ...Array.from({ length: 5 }, () => Math.round(Math.random() * span))];
  for (let i = 0; i < points.length; i++) {
    from = daemon.mark();
    const t0 = Date.now();
    writeFileSync(join(p.dir, "tasks", "upper.go"), upper(`k${i + 2}-${run}`));
    const point = points[i]!;
    if (typeof point === "string") await daemon.waitFor((e) => e.type === point, { from, what: point });
    await new Promise((r) => setTimeout(r, typeof point === "number" ? point : Math.random() * 40));
    daemon.child.kill("SIGKILL");
    const at = Date.now() - t0;
    await daemon.stop();
    killedIn.push(`${at} ms: after ${daemon.since(from).map((e) => e.type).join(",") || "nothing"}`);
    const putsBefore = (await wadmc.versions("upper")).length;
    daemon = await start();
    const want = await expected();
    const models = new Map((await wadmc.list()).map((m) => [m.name, m]));
    const state = JSON.parse(readFileSync(join(p.dir, ".pelato", "state.json"), "utf8")) as { apps: Record<string, { version: string; targetVersion?: string; digest: string }> };
    assert.deepEqual(Object.fromEntries(Object.entries(state.apps).map(([n, a]) => [n, a.version])), Object.fromEntries(want), `the state file has the files' versions after the kill at ${killedIn.at(-1)}: ${JSON.stringify(daemon.events)}`);
    for (const [name, app] of Object.entries(state.apps)) assert.equal(models.get(name)?.deployed_version, app.targetVersion ?? app.version, `wadm runs what the state says for ${name}`);
    const puts = (await wadmc.versions("upper")).length;
    assert.ok(puts - putsBefore <= 1, `at most one new version per edit (${putsBefore} → ${puts})`);
    const manifest = (await (await fetch(`http://${registry.host}/v2/upper/manifests/1.0.0`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } })).json()) as { layers: { digest: string }[] };
    assert.equal(manifest.layers[0]!.digest, state.apps.upper!.digest, "the registry holds the component that is deployed");
  }
  assert.equal((await wadmc.versions("tag")).length, 1, "the untouched task was never put again");
  assert.equal((await wadmc.versions("upper")).length, 12, "one version per distinct edit");
  console.log(`kill points:\n  ${killedIn.join("\n  ")}`);
});
