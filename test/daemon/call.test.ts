// `pelatod call`: an operator's signed requests to running `serve` daemons. Two daemons share one
// NATS: gw1 on the embedded default, gw2 aimed at a lattice that is not there (its cycles fail,
// its service still answers).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createUser } from "@nats-io/nkeys";
import { CLI, tempProject } from "../helpers/project.js";
import { readUpState } from "../../src/host/index.js";
import { spawnDaemon, TAG, upper, WORKFLOW, type DaemonProcess } from "./helpers/daemon-process.js";

const run = randomBytes(4).toString("hex");
const p = tempProject({ "workflow.yaml": WORKFLOW(), "tasks/upper.go": upper(`c1-${run}`), "tasks/tag.go": TAG });
const q = tempProject({ "workflow.yaml": WORKFLOW(), "tasks/upper.go": upper(`c2-${run}`), "tasks/tag.go": TAG });
const [alice, mallory] = [createUser(), createUser()];
const keyFile = (name: string, kp: typeof alice) => {
  const file = join(p.dir, `${name}.nk`);
  writeFileSync(file, new TextDecoder().decode(kp.getSeed()), { mode: 0o600 });
  return file;
};
const [aliceKey, malloryKey] = [keyFile("alice", alice), keyFile("mallory", mallory)];
let gw1: DaemonProcess;
let gw2: DaemonProcess;
let natsUrl: string;

before(async () => {
  gw1 = spawnDaemon(["serve", p.dir, "--local", "--instance", `gw1-${run}`, "--metrics", "off", "--allow-key", alice.getPublicKey()]);
  await gw1.waitFor((e) => e.type === "ready", { what: "gw1 ready" });
  natsUrl = readUpState(p.dir)!.natsUrl;
  gw2 = spawnDaemon(["serve", q.dir, "--instance", `gw2-${run}`, "--metrics", "off", "--allow-key", alice.getPublicKey()], { NATS_URL: natsUrl, REGISTRY_URL: "127.0.0.1:9", NATS_TIMEOUT_MS: "500" });
  await gw2.waitFor((e) => e.type === "ready", { what: "gw2 ready" });
});
after(async () => {
  await gw2?.stop();
  await gw1?.stop();
  p.cleanup();
  q.cleanup();
});

function call(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "call", ...args], { env: { ...process.env, NO_COLOR: "1", NATS_URL: natsUrl }, encoding: "utf8", timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("each endpoint answers a call signed with an allowed key", () => {
  const status = call([`gw1-${run}`, "status", "--nkey", aliceKey, "--json"]);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { ok: boolean; result: { instance: string; apps: Record<string, unknown> } };
  assert.equal(s.ok, true);
  assert.equal(s.result.instance, `gw1-${run}`);
  assert.deepEqual(Object.keys(s.result.apps).sort(), ["tag", "upper"]);
  for (const endpoint of ["plan", "redeploy", "remove"]) {
    const r = call([`gw1-${run}`, endpoint, "--nkey", aliceKey, "--json"]);
    assert.equal(r.code, 0, `${endpoint}: ${r.stdout}${r.stderr}`);
    assert.equal((JSON.parse(r.stdout) as { ok: boolean }).ok, true, endpoint);
  }
  const text = call([`gw1-${run}`, "status", "--nkey", aliceKey]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /"instance": "gw1-/);
});

test("another key is refused (exit 1, the daemon's reason); no key is a usage error (exit 2)", () => {
  const refused = call([`gw1-${run}`, "status", "--nkey", malloryKey]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /pelato\.gw1-[0-9a-f]+\.status refused: 403/);
  const keyless = call([`gw1-${run}`, "status"]);
  assert.equal(keyless.code, 2);
  assert.match(keyless.stderr, /--nkey <file> \(or PELATO_NKEY_FILE\) is required/);
  const notSeed = call([`gw1-${run}`, "status", "--nkey", join(p.dir, "workflow.yaml")]);
  assert.equal(notSeed.code, 2);
  assert.match(notSeed.stderr, /does not hold a user nkey seed/);
  assert.equal(call([`gw1-${run}`, "reboot", "--nkey", aliceKey]).code, 2);
});

test("--all status lists both instances with their projects", () => {
  const r = call(["--all", "status", "--nkey", aliceKey, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const all = (JSON.parse(r.stdout) as { instances: { instance: string; project: string; reply: { ok: boolean } }[] }).instances.filter((i) => i.instance.endsWith(run));
  assert.deepEqual(all.map((i) => i.instance), [`gw1-${run}`, `gw2-${run}`]);
  assert.ok(all.every((i) => i.reply.ok));
  const text = call(["--all", "status", "--nkey", aliceKey]);
  assert.match(text.stdout, new RegExp(`gw2-${run} \\(.+\\): .*; last cycle (failed|partial)`));
});
