import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Secret } from "../../src/config/secret.js";
import { pushComponents, UnauthorizedError, type PushOptions } from "../../src/oci/index.js";
import { componentItems } from "./helpers/component.js";
import { startRegistry, type RunningRegistry } from "./helpers/registry.js";
import { inspectRaw } from "./helpers/skopeo.js";
import { startTokenServer, type TokenServer } from "./helpers/token-server.js";

const PASSWORD = "pa55-w0rd-never-printed";
let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "pelato-auth-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function options(host: string, creds: { user?: string; password?: string } = {}, extra: Partial<PushOptions> = {}): PushOptions {
  return {
    registry: { url: host, configured: true, insecure: true, ...(creds.user ? { user: creds.user } : {}), ...(creds.password ? { password: new Secret(creds.password) } : {}) },
    projectDir: tmp,
    env: { SOURCE_DATE_EPOCH: "1700000000" },
    dockerConfig: join(tmp, "no-docker-config.json"),
    ...extra,
  };
}

/** The error is a 401 naming the registry and the user, and never contains the password. */
function refusedWithoutLeak(host: string, user?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof UnauthorizedError, String(e));
    assert.ok(e.message.includes(host), e.message);
    if (user) assert.ok(e.message.includes(`"${user}"`), e.message);
    else assert.match(e.message, /no credentials were given|requires credentials/);
    assert.ok(!e.message.includes(PASSWORD) && !JSON.stringify(e).includes(PASSWORD));
    return true;
  };
}

describe("htpasswd (Basic) registry", () => {
  let reg: RunningRegistry;
  before(async () => {
    reg = await startRegistry({ kind: "htpasswd", users: { alice: PASSWORD } });
  });
  after(() => reg?.stop());

  test("REGISTRY_USER/REGISTRY_PASSWORD push; skopeo with the same credentials reads it", async () => {
    const items = componentItems(join(tmp, "basic"), [{ component: "basic-a" }, { component: "basic-b" }]);
    const report = await pushComponents(items, options(reg.host, { user: "alice", password: PASSWORD }));
    assert.deepEqual(report.tasks.map((t) => [t.component, t.blobsUploaded, t.skipped]).sort(), [["basic-a", 2, false], ["basic-b", 2, false]]);
    const manifest = JSON.parse(await inspectRaw(`${reg.host}/basic-a:1.0.0`, `alice:${PASSWORD}`)) as { layers: { digest: string }[] };
    assert.equal(manifest.layers[0]!.digest, items[0]!.digest);
  });

  test("credentials from a docker config.json when REGISTRY_USER is not set", async () => {
    const config = join(tmp, "docker-config.json");
    writeFileSync(config, JSON.stringify({ auths: { [`http://${reg.host}`]: { auth: Buffer.from(`alice:${PASSWORD}`).toString("base64") } } }));
    const items = componentItems(join(tmp, "dockercfg"), [{ component: "from-docker-config" }]);
    const report = await pushComponents(items, options(reg.host, {}, { dockerConfig: config }));
    assert.equal(report.tasks[0]!.blobsUploaded, 2);
  });

  test("a wrong password is a clear 401 that never prints the password", async () => {
    const items = componentItems(join(tmp, "wrong"), [{ component: "wrong" }]);
    await assert.rejects(pushComponents(items, options(reg.host, { user: "alice", password: `${PASSWORD}-typo` })), (e: unknown) => {
      assert.ok(!(e as Error).message.includes(`${PASSWORD}-typo`));
      return refusedWithoutLeak(reg.host, "alice")(e);
    });
  });

  test("no credentials at all: a 401 that says how to give them", async () => {
    const items = componentItems(join(tmp, "none"), [{ component: "none" }]);
    await assert.rejects(pushComponents(items, options(reg.host)), refusedWithoutLeak(reg.host));
  });
});

describe("token-auth registry (Bearer, JWTs from a token service the registry trusts)", () => {
  let tokens: TokenServer;
  let reg: RunningRegistry;
  before(async () => {
    tokens = await startTokenServer({ alice: PASSWORD });
    reg = await startRegistry({ kind: "token", realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certPath });
  });
  after(async () => {
    await reg?.stop();
    await tokens?.stop();
  });

  test("push with a token per repository scope, fetched once and reused for every call", async () => {
    tokens.requests.length = 0;
    const items = componentItems(join(tmp, "token"), [{ component: "tok-a" }, { component: "tok-b" }]);
    const report = await pushComponents(items, options(reg.host, { user: "alice", password: PASSWORD }));
    assert.deepEqual(report.tasks.map((t) => t.blobsUploaded), [2, 2]);
    for (const repo of ["tok-a", "tok-b"]) {
      const asked = tokens.requests.filter((r) => r.scopes.includes(`repository:${repo}:pull,push`));
      assert.equal(asked.length, 1, `one token for ${repo}: ${JSON.stringify(tokens.requests)}`);
      assert.equal(asked[0]!.user, "alice");
    }
    // Second push: nothing uploaded.
    const again = await pushComponents(items, options(reg.host, { user: "alice", password: PASSWORD }));
    assert.deepEqual(again.tasks.map((t) => [t.skipped, t.blobsUploaded]), [[true, 0], [true, 0]]);
    const manifest = JSON.parse(await inspectRaw(`${reg.host}/tok-a:1.0.0`, `alice:${PASSWORD}`)) as { layers: { digest: string }[] };
    assert.equal(manifest.layers[0]!.digest, items[0]!.digest);
  });

  test("a wrong password is refused by the token service: clear 401, password never printed", async () => {
    const items = componentItems(join(tmp, "token-wrong"), [{ component: "tok-wrong" }]);
    await assert.rejects(pushComponents(items, options(reg.host, { user: "alice", password: "not-it" })), refusedWithoutLeak(reg.host, "alice"));
  });

  test("anonymous gets a token without access: the push is a clear 401", async () => {
    const items = componentItems(join(tmp, "token-anon"), [{ component: "tok-anon" }]);
    await assert.rejects(pushComponents(items, options(reg.host)), (e: unknown) => {
      assert.ok(e instanceof Error && /tok-anon/.test(e.message) && /401/.test(e.message), String(e));
      return true;
    });
  });
});
