import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ANNOTATION, DigestMismatchError, NotFoundError, OciLayout, pushArtifact } from "../../src/oci/index.js";
import { testArtifact } from "./helpers/artifact.js";
import { ensureRegistryTools } from "./helpers/registry.js";
import { skopeo } from "./helpers/skopeo.js";

let dir: string;
before(() => {
  ensureRegistryTools();
  dir = mkdtempSync(join(tmpdir(), "pelato-layout-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("OCI layout: push writes oci-layout, index.json and blobs that skopeo reads back byte for byte", async () => {
  const layoutDir = join(dir, "a");
  const a = testArtifact("comp");
  const outcome = await pushArtifact(new OciLayout(layoutDir).target(), a, "1.0.0");
  assert.equal(outcome.uploaded, 2);
  assert.deepEqual(JSON.parse(readFileSync(join(layoutDir, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });

  assert.equal(await skopeo(["inspect", "--raw", `oci:${layoutDir}:1.0.0`]), new TextDecoder().decode(a.manifest.bytes));
  const out = join(dir, "a-copy");
  await skopeo(["copy", `oci:${layoutDir}:1.0.0`, `oci:${out}:copy`]);
  assert.deepEqual(new Uint8Array(readFileSync(join(out, "blobs", "sha256", a.layer.descriptor.digest.slice(7)))), a.layer.bytes);
});

test("OCI layout: a second push writes no blob; a new build replaces the tag, other versions stay", async () => {
  const layout = new OciLayout(join(dir, "b"));
  const repo = layout.target();
  await pushArtifact(repo, testArtifact("v1"), "1.0.0");
  assert.equal((await pushArtifact(repo, testArtifact("v1"), "1.0.0")).uploaded, 0);
  await pushArtifact(repo, testArtifact("o"), "0.9.0");
  const v2 = testArtifact("v2");
  await pushArtifact(repo, v2, "1.0.0");
  const names = layout.readIndex().manifests.map((m) => `${m.annotations?.[ANNOTATION.refName]} ${m.digest}`);
  assert.deepEqual(names.sort(), [`1.0.0 ${v2.manifest.descriptor.digest}`, `0.9.0 ${testArtifact("o").manifest.descriptor.digest}`].sort());
  assert.deepEqual((await repo.resolve("1.0.0"))?.digest, v2.manifest.descriptor.digest);
  assert.equal(await repo.resolve("2.0.0"), undefined);
  await assert.rejects(repo.fetchManifest("2.0.0"), NotFoundError);
});

test("OCI layout: a damaged blob is refused on read, and bytes that do not match their digest on write", async () => {
  const layout = new OciLayout(join(dir, "c"));
  const repo = layout.target();
  const a = testArtifact("d");
  await pushArtifact(repo, a, "1");
  writeFileSync(layout.blobPath(a.layer.descriptor.digest), "tampered");
  await assert.rejects(repo.fetchBlob(a.layer.descriptor), DigestMismatchError);
  await assert.rejects(repo.pushBlob({ descriptor: a.config.descriptor, bytes: new Uint8Array([1, 2, 3]) }), DigestMismatchError);
});
