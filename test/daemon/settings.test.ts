import { test } from "node:test";
import assert from "node:assert/strict";
import { createUser } from "@nats-io/nkeys";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../src/errors.js";
import { DEFAULT_DEBOUNCE_MS, parseLoopback, resolveDaemonSettings } from "../../src/config/index.js";
import { tempProject } from "../helpers/project.js";

test("defaults, then .env, then environment, then flags", () => {
  const key = createUser().getPublicKey();
  const p = tempProject({ ".env": `PELATO_DEBOUNCE_MS=200\nPELATO_INSTANCE=from_env_file\nPELATO_SERVE_KEYS=${key}\n` });
  try {
    const d = resolveDaemonSettings(p.dir, {}, {});
    assert.equal(d.debounceMs, 200);
    assert.equal(d.instance, "from_env_file");
    assert.deepEqual([...d.allowedKeys], [key]);
    assert.deepEqual(d.metrics, { host: "127.0.0.1", port: 9464 });
    assert.equal(resolveDaemonSettings(p.dir, {}, { PELATO_DEBOUNCE_MS: "5" }).debounceMs, 5);
    assert.equal(resolveDaemonSettings(p.dir, { debounce: "7" }, { PELATO_DEBOUNCE_MS: "5" }).debounceMs, 7);
    assert.equal(resolveDaemonSettings(p.dir, { metrics: "off" }, {}).metrics, undefined);
    // The toolchain: as the CLI's, auto unless chosen.
    assert.equal(d.toolchain, "auto");
    assert.equal(d.container, true);
    assert.equal(resolveDaemonSettings(p.dir, {}, { PELATO_TOOLCHAIN: "go" }).toolchain, "go");
    assert.equal(resolveDaemonSettings(p.dir, { toolchain: "tinygo", container: false }, { PELATO_TOOLCHAIN: "go" }).toolchain, "tinygo");
    assert.equal(resolveDaemonSettings(p.dir, { toolchain: "tinygo", container: false }, {}).container, false);
  } finally {
    p.cleanup();
  }
  assert.equal(resolveDaemonSettings("/nonexistent", {}, {}).debounceMs, DEFAULT_DEBOUNCE_MS);
});

test("keys come from flags, PELATO_SERVE_KEYS and a keys file with comments", () => {
  const [a, b, c] = [createUser(), createUser(), createUser()].map((k) => k.getPublicKey());
  const p = tempProject();
  try {
    writeFileSync(join(p.dir, "keys"), `# operators\n${b}  # bob\n\n${c}\n`);
    const d = resolveDaemonSettings(p.dir, { allowKey: [a!] }, { PELATO_SERVE_KEYS_FILE: join(p.dir, "keys") });
    assert.deepEqual([...d.allowedKeys].sort(), [a, b, c].sort());
  } finally {
    p.cleanup();
  }
});

test("a bad value from .env is reported at its line, as the CLI's settings are", () => {
  const p = tempProject({ ".env": "# daemon\nPELATO_DEBOUNCE_MS=20\nPELATO_TOOLCHAIN=gcc\n" });
  try {
    assert.throws(
      () => resolveDaemonSettings(p.dir, {}, {}),
      (e: unknown) => e instanceof InputError && /^\.env:3:1: PELATO_TOOLCHAIN: "gcc" is not one of go, tinygo, auto/m.test(e.message),
    );
    assert.throws(() => resolveDaemonSettings(p.dir, { toolchain: "gcc" }, {}), (e: unknown) => e instanceof InputError && /^command line: PELATO_TOOLCHAIN/m.test(e.message));
  } finally {
    p.cleanup();
  }
});

test("bad values are input errors naming the variable; /metrics only on loopback", () => {
  const bad = (env: NodeJS.ProcessEnv, re: RegExp) => assert.throws(() => resolveDaemonSettings("/nonexistent", {}, env), (e: unknown) => e instanceof InputError && re.test(e.message));
  bad({ PELATO_METRICS: "0.0.0.0:9464" }, /PELATO_METRICS: "0.0.0.0:9464" is not a loopback host:port/);
  // A seed is a secret: not a character of it is echoed.
  const seed = "SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4";
  assert.throws(
    () => resolveDaemonSettings("/nonexistent", {}, { PELATO_SERVE_KEYS: `UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4,${seed}` }),
    (e: unknown) => e instanceof InputError && /PELATO_SERVE_KEYS: entry 2 is an nkey seed, which is secret/.test(e.message) && !e.message.includes(seed.slice(0, 4)),
  );
  bad({ PELATO_SERVE_KEYS: "nope" }, /PELATO_SERVE_KEYS: entry 1 is not a public user nkey/);
  bad({ PELATO_DEBOUNCE_MS: "-1" }, /PELATO_DEBOUNCE_MS/);
  bad({ PELATO_INSTANCE: "a.b" }, /PELATO_INSTANCE: "a.b" is not a subject token/);
  bad({ PELATO_SERVE_KEYS_FILE: "/nonexistent/keys" }, /cannot read/);
  bad({ PELATO_TOOLCHAIN: "gcc" }, /PELATO_TOOLCHAIN: "gcc" is not one of go, tinygo, auto/);
  bad({ PELATO_BUILD_IDLE_S: "soon" }, /PELATO_BUILD_IDLE_S: "soon"/);
  assert.deepEqual(parseLoopback("[::1]:80"), { host: "::1", port: 80 });
  assert.equal(parseLoopback("localhost:70000"), undefined);
});
