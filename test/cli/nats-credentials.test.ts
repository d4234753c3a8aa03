// Credentials inside NATS_URL (nats://user:password@host, nats://token@host) are never printed,
// by the CLI's errors or the daemon's --json retries, and the URL pelatod connects with is never
// rendered into a manifest: the providers' NATS is PELATO_PROVIDER_NATS_URL, which may hold none.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pelatod } from "../helpers/cli.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";
import { spawnDaemon } from "../daemon/helpers/daemon-process.js";
import { freePort } from "../../src/free-port.js";

const PASSWORD = "pw-in-the-url-7f3a";
const TOKEN = "tok-in-the-url-91c2";

test("deploy against an unreachable NATS: the error names the server, never the password", async () => {
  const p = tempProject({}, EXAMPLE);
  try {
    // Nothing listens on this loopback port: the connection is refused at once.
    const url = `nats://bob:${PASSWORD}@127.0.0.1:${await freePort()}`;
    for (const json of [false, true]) {
      const r = pelatod(["remove", p.dir, ...(json ? ["--json"] : [])], { env: { NATS_URL: url, NATS_TIMEOUT_MS: "500" } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /cannot connect to NATS at nats:\/\/\*\*\*@127\.0\.0\.1:\d+/);
      assert.ok(!(r.stdout + r.stderr).includes(PASSWORD), r.stdout + r.stderr);
    }
  } finally {
    p.cleanup();
  }
});

test("serve --json, NATS unreachable: every retry says so without the password", async () => {
  const p = tempProject({}, EXAMPLE);
  const d = spawnDaemon(["serve", p.dir, "--metrics", "off"], { NATS_URL: `nats://bob:${PASSWORD}@127.0.0.1:${await freePort()}`, REGISTRY_URL: "127.0.0.1:1", NATS_TIMEOUT_MS: "300" });
  try {
    await d.waitUntil(() => (d.events.filter((e) => e.type === "nats" && e.status === "unreachable").length >= 2 ? true : undefined), { what: "two retries", timeoutMs: 60_000 });
    const printed = JSON.stringify(d.events) + d.stderr();
    assert.ok(!printed.includes(PASSWORD), printed);
    assert.match(printed, /nats:\/\/\*\*\*@127\.0\.0\.1/);
  } finally {
    await d.stop();
    p.cleanup();
  }
});

test("gen: NATS_URL (with a token) never reaches a manifest; PELATO_PROVIDER_NATS_URL does, and may hold no credentials", () => {
  const p = tempProject({}, EXAMPLE);
  try {
    const manifests = () => readdirSync(join(p.dir, "gen"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => readFileSync(join(p.dir, "gen", e.name, "wadm.yaml"), "utf8"));
    assert.equal(pelatod(["gen", p.dir], { env: { NATS_URL: `nats://${TOKEN}@10.9.8.7:4222` } }).code, 0);
    for (const m of manifests()) {
      assert.ok(!m.includes(TOKEN) && !m.includes("10.9.8.7"), m);
      assert.ok(!m.includes("cluster_uris"), m);
    }
    assert.equal(pelatod(["gen", p.dir], { env: { PELATO_PROVIDER_NATS_URL: "nats://10.9.8.7:4222" } }).code, 0);
    for (const m of manifests()) assert.match(m, /cluster_uris: nats:\/\/10\.9\.8\.7:4222/);
    const bad = pelatod(["gen", p.dir], { env: { PELATO_PROVIDER_NATS_URL: `nats://${TOKEN}@10.9.8.7:4222` } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /PELATO_PROVIDER_NATS_URL: holds credentials/);
    assert.ok(!bad.stderr.includes(TOKEN), bad.stderr);
  } finally {
    p.cleanup();
  }
});
