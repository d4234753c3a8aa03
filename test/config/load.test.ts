import { test } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { inspect } from "node:util";
import { resolveConfig } from "../../src/config/index.js";
import { InputError } from "../../src/errors.js";
import { tempProject } from "../helpers/project.js";

test("defaults apply when nothing is set", () => {
  const p = tempProject();
  try {
    const c = resolveConfig(p.dir, {}, {});
    assert.equal(c.registry.url, "localhost:5000");
    assert.equal(c.registry.configured, false);
    assert.deepEqual(c.nats, { host: "127.0.0.1", port: 4222, servers: ["nats://127.0.0.1:4222"], timeoutMs: 5000 });
    assert.equal(c.lattice, "default");
    assert.equal(c.parallelBuild, availableParallelism());
    assert.equal(c.enableMetrics, false);
    assert.equal(c.httpPort, 8000);
  } finally {
    p.cleanup();
  }
});

test("flags beat the environment, which beats .env, which beats defaults", () => {
  const p = tempProject({ ".env": "REGISTRY_URL=dotenv.example:5000\nNATS_PORT=4300\nNATS_HOST=dotenv-host\nPARALLEL_BUILD=False\nENABLE_METRICS=True\n" });
  try {
    const env = { NATS_PORT: "4400", PARALLEL_BUILD: "3" };
    const c = resolveConfig(p.dir, { parallel: "5" }, env);
    assert.equal(c.registry.url, "dotenv.example:5000");
    assert.equal(c.nats.host, "dotenv-host");
    assert.equal(c.nats.port, 4400);
    assert.equal(c.parallelBuild, 5);
    assert.equal(c.enableMetrics, true);
    assert.deepEqual(
      { r: c.sources.REGISTRY_URL, port: c.sources.NATS_PORT, par: c.sources.PARALLEL_BUILD, lat: c.sources.PELATO_LATTICE },
      { r: ".env", port: "environment", par: "flag", lat: "default" },
    );
    assert.equal(resolveConfig(p.dir, {}, {}).parallelBuild, 1, "PARALLEL_BUILD=False from .env means one at a time");
  } finally {
    p.cleanup();
  }
});

test("registry addresses: scheme marks insecure, loopback is plain http, namespaces are kept", () => {
  const p = tempProject();
  try {
    const reg = (url: string) => resolveConfig(p.dir, { registry: url }, {}).registry;
    assert.deepEqual([reg("http://registry.lan:5000").url, reg("http://registry.lan:5000").insecure], ["registry.lan:5000", true]);
    assert.equal(reg("ghcr.io/acme/").url, "ghcr.io/acme");
    assert.equal(reg("ghcr.io/acme").insecure, false);
    assert.equal(reg("127.0.0.1:5000").insecure, true);
  } finally {
    p.cleanup();
  }
});

test("bad values are reported together, with the .env line where they come from", () => {
  const p = tempProject({ ".env": "# registry\nNATS_PORT=99999\nPARALLEL_BUILD=lots\n" });
  try {
    assert.throws(
      () => resolveConfig(p.dir, { registry: "not a registry" }, { ENABLE_METRICS: "maybe" }),
      (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.equal(err.exitCode, 2);
        assert.deepEqual(err.message.split("\n"), [
          'command line: REGISTRY_URL: "not a registry" is not a registry address (host[:port][/namespace])',
          '.env:3:1: PARALLEL_BUILD: "lots" is not a number of builds, True or False',
          '.env:2:1: NATS_PORT: "99999" is not a port number (1-65535)',
          'environment: ENABLE_METRICS: "maybe" is not True or False',
        ]);
        return true;
      },
    );
  } finally {
    p.cleanup();
  }
});

test("a user and password inside REGISTRY_URL are refused without echoing them; REGISTRY_TOKEN_HOSTS is a list of host names", () => {
  const p = tempProject({});
  try {
    assert.throws(
      () => resolveConfig(p.dir, {}, { REGISTRY_URL: "https://bob:hunter2-in-url@reg.example.com", REGISTRY_TOKEN_HOSTS: "auth.example.com,https://x" }),
      (err: unknown) => {
        assert.ok(err instanceof InputError && !err.message.includes("hunter2"), String(err));
        assert.match(err.message, /REGISTRY_URL: holds a user name or password .*REGISTRY_USER and REGISTRY_PASSWORD/);
        assert.match(err.message, /REGISTRY_TOKEN_HOSTS: "https:\/\/x" is not a host name/);
        return true;
      },
    );
    assert.deepEqual(resolveConfig(p.dir, {}, { REGISTRY_TOKEN_HOSTS: " Auth.Example.com , other.example " }).registry.tokenHosts, ["auth.example.com", "other.example"]);
  } finally {
    p.cleanup();
  }
});

test("the registry password never shows in JSON, strings or inspect", () => {
  const p = tempProject({ ".env": "REGISTRY_USER=alice\nREGISTRY_PASSWORD=hunter2-secret\n" });
  try {
    const c = resolveConfig(p.dir, {}, {});
    assert.equal(c.registry.password?.reveal(), "hunter2-secret");
    for (const shown of [JSON.stringify(c), inspect(c, { depth: 10 }), `${c.registry.password}`]) assert.ok(!shown.includes("hunter2"), shown);
  } finally {
    p.cleanup();
  }
});

test("DATABASE_URL: its shape is checked without connecting, at its .env line, never echoing it; messages name it without the password", () => {
  const bad = ["mysql://u:sekrit@h/db", "postgresql://u:sekrit@/db", "postgresql://u:sekrit@h:5432", "postgresql://u:sekrit@h:99999/db", "postgres ql://u:sekrit@h/db"];
  for (const value of bad) {
    const p = tempProject({ ".env": `NATS_PORT=4300\nDATABASE_URL=${value}\n` });
    try {
      const err = (() => {
        try {
          resolveConfig(p.dir, {}, {});
        } catch (e) {
          return e as InputError;
        }
        assert.fail(`${value} was accepted`);
      })();
      assert.ok(err instanceof InputError);
      assert.equal(err.diagnostics.length, 1);
      assert.deepEqual({ file: err.diagnostics[0]!.file, line: err.diagnostics[0]!.line }, { file: ".env", line: 2 });
      assert.match(err.diagnostics[0]!.message, /^DATABASE_URL: .*libpq URI/);
      assert.ok(!JSON.stringify(err.diagnostics).includes("sekrit"), `the password is not echoed: ${err.diagnostics[0]!.message}`);
    } finally {
      p.cleanup();
    }
  }
  const c = resolveConfig(tempProject().dir, {}, { DATABASE_URL: "postgresql://app:s%40krit@db.example:6543/readings?sslmode=require" });
  assert.equal(c.database!.display, "postgresql://db.example:6543/readings (user app)");
  assert.equal(c.database!.url.reveal(), "postgresql://app:s%40krit@db.example:6543/readings?sslmode=require");
  assert.ok(!JSON.stringify(c).includes("krit") && !inspect(c, { depth: 9 }).includes("krit"), "the URL is a secret");
});
