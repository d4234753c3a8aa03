import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { test } from "node:test";
import { Secret } from "../../src/config/secret.js";
import { createCredentialLookup, dockerConfigCredential, dockerConfigPath } from "../../src/oci/index.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const CONFIG = JSON.stringify({
  auths: {
    "127.0.0.1:5000": { auth: b64("alice:s3cret:with:colons") },
    "https://ghcr.io": { auth: b64("bob:tok") },
    "https://index.docker.io/v1/": { auth: b64("carol:dh") },
    "http://plain.example:8080/v2/": { username: "dave", password: "pw" },
    "broken.example": { auth: b64("no-colon") },
    "empty.example": {},
  },
  credsStore: "desktop",
});

test("dockerConfigCredential: lookup table", () => {
  const cases: [string, [string, string] | undefined][] = [
    ["127.0.0.1:5000", ["alice", "s3cret:with:colons"]],
    ["ghcr.io", ["bob", "tok"]],
    ["GHCR.io", ["bob", "tok"]],
    ["docker.io", ["carol", "dh"]],
    ["registry-1.docker.io", ["carol", "dh"]],
    ["plain.example:8080", ["dave", "pw"]],
    ["plain.example", undefined],
    ["127.0.0.1:5001", undefined],
    ["broken.example", undefined],
    ["empty.example", undefined],
  ];
  for (const [host, want] of cases) {
    const c = dockerConfigCredential(CONFIG, host, "cfg");
    assert.deepEqual(c === undefined ? undefined : [c.username, c.password.reveal()], want, host);
    if (c) assert.equal(c.source, "cfg");
  }
  assert.equal(dockerConfigCredential("not json", "ghcr.io"), undefined);
  assert.equal(dockerConfigCredential("{}", "ghcr.io"), undefined);
});

test("createCredentialLookup: REGISTRY_USER wins over the docker config for REGISTRY_URL's host only; the password stays secret", () => {
  const dir = mkdtempSync(join(tmpdir(), "pelato-dockercfg-"));
  try {
    const path = join(dir, "config.json");
    writeFileSync(path, CONFIG);
    const lookup = createCredentialLookup({ registry: "ghcr.io", user: "env-user", password: new Secret("env-pass"), dockerConfig: path });
    const fromEnv = lookup("GHCR.io")!;
    assert.equal(fromEnv.username, "env-user");
    assert.equal(fromEnv.source, "REGISTRY_USER");
    assert.ok(!inspect(fromEnv).includes("env-pass") && !JSON.stringify(fromEnv).includes("env-pass"));
    // Another host gets what the docker config gives for it, never REGISTRY_USER.
    assert.equal(lookup("127.0.0.1:5000")?.username, "alice");
    assert.equal(lookup("quay.io"), undefined);
    assert.equal(lookup("ghcr.io:443"), undefined, "another port is another origin");
    assert.equal(createCredentialLookup({ registry: "127.0.0.1:5000", user: "u", dockerConfig: join(dir, "missing.json") })("127.0.0.2:5000"), undefined);
    const fromFile = createCredentialLookup({ registry: "ghcr.io", dockerConfig: path });
    assert.equal(fromFile("ghcr.io")?.username, "bob");
    assert.equal(fromFile("ghcr.io")?.source, path);
    assert.equal(fromFile("quay.io"), undefined);
    assert.equal(createCredentialLookup({ registry: "ghcr.io", dockerConfig: join(dir, "missing.json") })("ghcr.io"), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("dockerConfigPath follows DOCKER_CONFIG", () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: "/etc/dc" }), "/etc/dc/config.json");
  assert.match(dockerConfigPath({}), /\.docker\/config\.json$/);
});
