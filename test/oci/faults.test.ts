import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import {
  DEFAULT_RETRY_POLICY,
  DigestMismatchError,
  digestOf,
  PushFailedError,
  pushArtifact,
  pushComponents,
  Registry,
  RegistryResponseError,
  RegistryUnreachableError,
  type PushEvent,
  type PushOptions,
} from "../../src/oci/index.js";
import { bytesFrom, testArtifact } from "./helpers/artifact.js";
import { componentItems } from "./helpers/component.js";
import { kind, startFaultProxy, type FaultProxy } from "./helpers/fault-proxy.js";
import { freePort, startRegistry, type RunningRegistry } from "./helpers/registry.js";
import { inspectRaw } from "./helpers/skopeo.js";

// Short waits so that retries cost milliseconds; the count and the policy are what is tested.
const FAST = { ...DEFAULT_RETRY_POLICY, minWaitMs: 5, maxWaitMs: 20, maxRetries: 3 };

let reg: RunningRegistry;
let proxy: FaultProxy;
let tmp: string;
before(async () => {
  reg = await startRegistry();
  proxy = await startFaultProxy(reg.host);
  tmp = mkdtempSync(join(tmpdir(), "pelato-faults-"));
});
after(async () => {
  await proxy?.stop();
  await reg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => proxy.reset());

function options(host: string, events: PushEvent[] = []): PushOptions {
  return { registry: { url: host, configured: true, insecure: true }, projectDir: tmp, env: { SOURCE_DATE_EPOCH: "1700000000" }, client: { retry: FAST }, onEvent: (e) => events.push(e) };
}

test("registry down: a clear error naming the registry, at once, and nothing reported as pushed", async () => {
  const port = await freePort(); // nothing listens here
  const items = componentItems(join(tmp, "down"), [{ component: "down" }]);
  const events: PushEvent[] = [];
  const t0 = performance.now();
  await assert.rejects(pushComponents(items, options(`127.0.0.1:${port}`, events)), (e: unknown) => {
    assert.ok(e instanceof RegistryUnreachableError, String(e));
    assert.match(e.message, new RegExp(`cannot reach registry 127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
    return true;
  });
  assert.ok(performance.now() - t0 < 2_000, "refused connections are not retried for seconds");
  assert.deepEqual(events, []);
});

test("500 on the first blob PUT, manifest PUT and manifest GET, then success: retried, and the artifact is whole", async () => {
  proxy.rule = (r, n) => (n === 0 && ((r.method === "PUT" && kind(r.path) !== "v2") || (r.method === "GET" && kind(r.path) === "manifests")) ? { status: 500 } : undefined);
  const items = componentItems(join(tmp, "flaky"), [{ component: "flaky" }]);
  const events: PushEvent[] = [];
  const report = await pushComponents(items, options(proxy.host, events));
  assert.equal(report.tasks[0]!.blobsUploaded, 2);
  const injected = proxy.seen.filter((s) => s.fault !== undefined);
  assert.equal(injected.length, 3, JSON.stringify(proxy.seen));
  assert.equal(events.filter((e) => e.type === "retry").length, 3);
  for (const f of injected) assert.ok(proxy.seen.some((s) => s.fault === undefined && s.method === f.method && kind(s.path) === kind(f.path)), `${f.method} ${f.path} was sent again`);
  const manifest = JSON.parse(await inspectRaw(`${reg.host}/flaky:1.0.0`)) as { layers: { digest: string }[] };
  assert.equal(manifest.layers[0]!.digest, items[0]!.digest);
});

test("429 with Retry-After: 1 is waited out; a connection reset is retried", async () => {
  proxy.rule = (r, n) => (r.method === "POST" && n === 0 ? { status: 429, headers: { "retry-after": "1" } } : r.method === "HEAD" && n === 0 ? "reset" : undefined);
  const registry = new Registry({ registry: proxy.host, retry: FAST });
  try {
    const t0 = performance.now();
    const outcome = await pushArtifact(registry.repository("throttled", { push: true }), testArtifact("throttled"), "1");
    assert.equal(outcome.uploaded, 2);
    assert.ok(performance.now() - t0 >= 950, "Retry-After honoured");
    assert.ok(proxy.seen.some((s) => s.fault === "reset"));
  } finally {
    await registry.close();
  }
});

test("a manifest PUT that keeps failing: that component fails, the other is reported pushed, the failed tag does not exist", async () => {
  proxy.rule = (r) => (r.method === "PUT" && r.path.includes("/broken/manifests/") ? { status: 503 } : undefined);
  const items = componentItems(join(tmp, "partial"), [{ component: "broken" }, { component: "fine" }]);
  await assert.rejects(pushComponents(items, options(proxy.host)), (e: unknown) => {
    assert.ok(e instanceof PushFailedError, String(e));
    assert.deepEqual(e.failures.map((f) => f.component), ["broken"]);
    assert.deepEqual(e.pushed, [`${proxy.host}/fine:1.0.0`]);
    assert.ok(e.failures[0]!.error instanceof RegistryResponseError && e.failures[0]!.error.status === 503);
    assert.match(e.message, /broken: registry .* repository "broken": PUT manifest 1\.0\.0 answered 503/);
    return true;
  });
  assert.equal(proxy.seen.filter((s) => s.fault !== undefined).length, FAST.maxRetries + 1, "bounded retries");
  const registry = new Registry({ registry: reg.host });
  try {
    assert.equal(await registry.repository("broken").resolve("1.0.0"), undefined);
    assert.ok(await registry.repository("fine").resolve("1.0.0"));
  } finally {
    await registry.close();
  }
});

test("a blob whose content does not match its digest is rejected: on pull, on push (locally), and by the registry", async () => {
  const registry = new Registry({ registry: proxy.host, retry: FAST });
  try {
    const repo = registry.repository("tamper", { push: true });
    const a = testArtifact("tamper", 50_000);
    await pushArtifact(repo, a, "1");

    proxy.rule = (r) => (r.method === "GET" && kind(r.path) === "blobs" ? "corrupt" : undefined);
    await assert.rejects(repo.fetchBlob(a.layer.descriptor), (e: unknown) => e instanceof DigestMismatchError && e.expected === a.layer.descriptor.digest && e.actual !== e.expected);
    proxy.rule = () => undefined;

    proxy.seen.length = 0;
    const liar = { descriptor: a.layer.descriptor, bytes: bytesFrom("something else", 50_000) };
    await assert.rejects(registry.repository("tamper2", { push: true }).pushBlob(liar), DigestMismatchError);
    assert.deepEqual(proxy.seen, [], "nothing was sent");

    // Past our own check, straight to the protocol: the registry refuses the digest too.
    const bytes = bytesFrom("registry-check", 1000);
    const post = await repo.call("POST", "blobs/uploads/");
    await post.body.dump();
    const location = new URL(post.headers.location!, registry.baseUrl).href;
    const wrong = digestOf(bytesFrom("not these bytes", 1000));
    const put = await repo.call("PUT", `${location}${location.includes("?") ? "&" : "?"}digest=${wrong}`, { body: bytes, headers: { "content-type": "application/octet-stream" } });
    assert.equal(put.status, 400);
    assert.match(await put.body.text(), /DIGEST_INVALID/);
    assert.equal(await repo.blobExists(wrong), false);
  } finally {
    await registry.close();
  }
});
