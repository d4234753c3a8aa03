import { test } from "node:test";
import assert from "node:assert/strict";
import { reconcile, type DeployedApp } from "../../src/daemon/index.js";

const rec = (version: string): DeployedApp => ({ version, sourceDigest: `src-${version}`, digest: `sha256:${version}`, image: `reg/x:${version}` });

test("what runs decides; the file only adds what the target cannot say, for the version that runs", () => {
  const saved = { a: rec("v1"), b: rec("v1"), gone: rec("v1") };
  const running = [
    { name: "a", version: "v1" }, // as the file says
    { name: "b", version: "v2" }, // someone (or a killed daemon) deployed another version
    { name: "c", version: "v1" }, // the file never heard of it
    { name: "d", version: null }, // stored in wadm but undeployed
  ];
  assert.deepEqual(reconcile(saved, running), {
    a: rec("v1"),
    b: { version: "v2", sourceDigest: "", digest: "" },
    c: { version: "v1", sourceDigest: "", digest: "" },
  });
});

test("nothing runs (a fresh local host): nothing is deployed, whatever the file says", () => {
  assert.deepEqual(reconcile({ a: rec("v1") }, []), {});
});

test("a lattice runs the pinned manifest: the state's target version is what must match", () => {
  const pinned = { ...rec("v1"), imageDigest: "sha256:m", targetVersion: "v1-pinned" };
  assert.deepEqual(reconcile({ a: pinned }, [{ name: "a", version: "v1-pinned" }]), { a: pinned });
  assert.deepEqual(reconcile({ a: pinned }, [{ name: "a", version: "v1" }]), { a: { version: "v1", sourceDigest: "", digest: "" } });
});
