import { test } from "node:test";
import assert from "node:assert/strict";
import type { Manifest } from "../../src/wadm/index.js";
import { failedGraceMs, parseReply, planDeploy, wadmSubjects, WadmApiError, WadmNotFoundError } from "../../src/wadm/index.js";
import { currentStatus } from "../../src/wadm/index.js";

test("wadm subjects for a lattice", () => {
  const s = wadmSubjects("edge1");
  assert.equal(s.put(), "wadm.api.edge1.model.put");
  assert.equal(s.list(), "wadm.api.edge1.model.get");
  assert.equal(s.get("app"), "wadm.api.edge1.model.get.app");
  assert.equal(s.versions("app"), "wadm.api.edge1.model.versions.app");
  assert.equal(s.deploy("app"), "wadm.api.edge1.model.deploy.app");
  assert.equal(s.undeploy("app"), "wadm.api.edge1.model.undeploy.app");
  assert.equal(s.del("app"), "wadm.api.edge1.model.del.app");
  assert.equal(s.status("app"), "wadm.api.edge1.model.status.app");
  assert.equal(s.statusUpdates(), "wadm.status.edge1.*");
});

test("deploy plan: unchanged, deploy a stored version, or put a new one", () => {
  const stored = [{ version: "1.0.0-a", deployed: false }, { version: "1.0.0-b", deployed: true }];
  assert.deepEqual(planDeploy("1.0.0-b", stored, "1.0.0-b"), { kind: "unchanged" });
  assert.deepEqual(planDeploy("1.0.0-a", stored, "1.0.0-b"), { kind: "deploy" }, "roll back to a stored version without a put");
  assert.deepEqual(planDeploy("1.0.0-b", stored, null), { kind: "deploy" }, "stored but undeployed since");
  assert.deepEqual(planDeploy("1.0.0-c", stored, "1.0.0-b"), { kind: "put-and-deploy" });
  assert.deepEqual(planDeploy("1.0.0-c", [], undefined), { kind: "put-and-deploy" });
});

test("a failure that is one of wasmCloud's own races is waited out past a host's heartbeat; any other counts after the grace", () => {
  assert.equal(failedGraceMs("provider is already running with that ID", 15_000), 45_000);
  assert.equal(failedGraceMs("failed to extract module claims: I/O error: unexpected end-of-file", 15_000), 45_000);
  assert.equal(failedGraceMs("failed to fetch component: manifest unknown", 15_000), 15_000);
  assert.equal(failedGraceMs(undefined, 15_000), 15_000);
});

test("wadm replies: errors and not-found become typed errors with wadm's first line", () => {
  const msg = (s: string) => ({ string: () => s });
  assert.deepEqual(parseReply("s", "a", msg('{"result":"created","current_version":"v1"}')), { result: "created", current_version: "v1" });
  assert.throws(
    () => parseReply("wadm.api.default.model.put", "a", msg(JSON.stringify({ result: "error", message: "Unable to parse manifest: bad\n\nStack backtrace:\n 0: anyhow" }))),
    (e: unknown) => e instanceof WadmApiError && e.message === "wadm refused wadm.api.default.model.put: Unable to parse manifest: bad",
  );
  assert.throws(() => parseReply("s", "app", msg('{"result":"notfound"}')), WadmNotFoundError);
  assert.throws(() => parseReply("s", "app", msg("<html>")), WadmApiError);
});

test("the current status prefers wadm's detailed status", () => {
  assert.deepEqual(
    currentStatus({ name: "a", version: "v", status: "undeployed", detailed_status: { status: { type: "waiting", message: "Lattice contains no hosts" } } }),
    { type: "waiting", message: "Lattice contains no hosts" },
  );
  assert.deepEqual(currentStatus(undefined).type, "undeployed");
});

test("pinning: images get the pushed digest, and the version follows the pinned content", async () => {
  const { pinManifest } = await import("../../src/wadm/index.js");
  const m: Manifest = {
    apiVersion: "core.oam.dev/v1beta1",
    kind: "Application",
    metadata: { name: "app", annotations: { version: "1.0.0-aaaaaaaaaa" } },
    spec: { components: [{ name: "c", type: "component", properties: { image: "reg:5000/c:1.0.0" }, traits: [] }, { name: "p", type: "capability", properties: { image: "wasmcloud+builtin://messaging-nats" }, traits: [] }] },
  };
  const one = pinManifest(m, new Map([["reg:5000/c:1.0.0", "sha256:" + "1".repeat(64)]]));
  const two = pinManifest(m, new Map([["reg:5000/c:1.0.0", "sha256:" + "2".repeat(64)]]));
  const again = pinManifest(m, new Map([["reg:5000/c:1.0.0", "sha256:" + "1".repeat(64)]]));
  const comps = (x: typeof one) => (x.spec as typeof m.spec).components;
  assert.equal(comps(one)[0]!.properties.image, `reg:5000/c:1.0.0@sha256:${"1".repeat(64)}`);
  assert.equal(comps(one)[1]!.properties.image, "wasmcloud+builtin://messaging-nats");
  assert.match(one.metadata.annotations.version!, /^1\.0\.0-[0-9a-f]{10}$/);
  assert.notEqual(one.metadata.annotations.version, two.metadata.annotations.version, "another build, another version");
  assert.equal(one.metadata.annotations.version, again.metadata.annotations.version, "same build, same version");
  assert.equal(m.spec.components[0]!.properties.image, "reg:5000/c:1.0.0", "the rendered manifest is left alone");
  assert.equal(comps(one)[0]!.properties.id, "app-c-111111111111", "another image is another component: hosts never change a running one's image");
  assert.equal(comps(two)[0]!.properties.id, "app-c-222222222222");
  assert.equal(comps(one)[1]!.properties.id, undefined, "providers keep wadm's id");
  const named: Manifest = { ...m, spec: { components: [{ ...m.spec.components[0]!, properties: { ...m.spec.components[0]!.properties, config: [{ name: "c-runtime-aaaaaaaaaa", properties: { dest_topic: "out" } }] } }] } };
  const configName = (x: Manifest) => x.spec.components[0]!.properties.config![0]!.name;
  const [n1, n2] = ["1", "2"].map((d) => pinManifest(named, new Map([["reg:5000/c:1.0.0", "sha256:" + d.repeat(64)]])));
  assert.notEqual(configName(n1!), configName(n2!), "two builds of the same sources: two versions, whose configs wadm must not mix up");
  assert.equal(configName(n1!), `c-runtime-${n1!.metadata.annotations.version!.slice(-10)}`);
});
