import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { digestOf, NotFoundError, OCI_INDEX, OCI_MANIFEST, pushArtifact, pushComponents, Registry, WASM_LAYER, type ImageManifest } from "../../src/oci/index.js";
import { bytesFrom, testArtifact } from "./helpers/artifact.js";
import { componentItems } from "./helpers/component.js";
import { startFaultProxy, type FaultProxy } from "./helpers/fault-proxy.js";
import { startRegistry, type RunningRegistry } from "./helpers/registry.js";
import { inspectRaw, skopeo } from "./helpers/skopeo.js";

let reg: RunningRegistry;
let registry: Registry;
let tmp: string;
before(async () => {
  reg = await startRegistry();
  registry = new Registry({ registry: reg.host });
  tmp = mkdtempSync(join(tmpdir(), "pelato-oci-"));
});
after(async () => {
  await registry?.close();
  await reg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test("anonymous push: skopeo reads the manifest and config as sent, and copies the layer out byte for byte", async () => {
  await registry.ping();
  const a = testArtifact("anon", 100_000);
  const repo = registry.repository("anon", { push: true });
  const outcome = await pushArtifact(repo, a, "1.0.0");
  assert.deepEqual({ uploaded: outcome.uploaded, existed: outcome.existed }, { uploaded: 2, existed: 0 });

  assert.equal(await inspectRaw(`${reg.host}/anon:1.0.0`), new TextDecoder().decode(a.manifest.bytes));
  assert.equal(await skopeo(["inspect", "--raw", "--config", "--tls-verify=false", `docker://${reg.host}/anon:1.0.0`]), new TextDecoder().decode(a.config.bytes));
  const out = join(tmp, "anon-layout");
  await skopeo(["copy", "--src-tls-verify=false", `docker://${reg.host}/anon:1.0.0`, `oci:${out}:anon`]);
  assert.deepEqual(new Uint8Array(readFileSync(join(out, "blobs", "sha256", a.layer.descriptor.digest.slice(7)))), a.layer.bytes);

  assert.deepEqual(await repo.resolve("1.0.0"), { mediaType: OCI_MANIFEST, digest: a.manifest.descriptor.digest, size: a.manifest.bytes.length });
  assert.deepEqual(await repo.fetchBlob(a.layer.descriptor), a.layer.bytes);
  assert.equal(await repo.blobExists(a.config.descriptor.digest), true);
});

test("a second push of the same artifact uploads 0 blobs", async () => {
  const repo = registry.repository("again", { push: true });
  const a = testArtifact("again");
  assert.equal((await pushArtifact(repo, a, "1")).uploaded, 2);
  const second = await pushArtifact(repo, a, "1");
  assert.deepEqual({ uploaded: second.uploaded, mounted: second.mounted, existed: second.existed }, { uploaded: 0, mounted: 0, existed: 2 });
});

test("chunked upload: POST, several PATCHes with Content-Range, PUT; the registry has the blob whole", async () => {
  const proxy: FaultProxy = await startFaultProxy(reg.host);
  const via = new Registry({ registry: proxy.host });
  try {
    const repo = via.repository("chunked", { push: true, monolithicMaxBytes: 64 << 10, chunkBytes: 100_000 });
    const bytes = bytesFrom("chunked", 350_000);
    const descriptor = { mediaType: WASM_LAYER, digest: digestOf(bytes), size: bytes.length };
    assert.equal(await repo.pushBlob({ descriptor, bytes }), "uploaded");
    assert.equal(proxy.seen.filter((r) => r.method === "PATCH").length, 4);
    assert.deepEqual(await registry.repository("chunked").fetchBlob(descriptor), bytes);
  } finally {
    await via.close();
    await proxy.stop();
  }
});

test("cross-repository mount: a blob in another repository is linked, not sent; an unknown source falls back to upload", async () => {
  const a = testArtifact("mount-src");
  await pushArtifact(registry.repository("src", { push: true }), a, "1");
  const dest = registry.repository("dest", { push: true });
  assert.equal(await dest.pushBlob(a.layer, { mountFrom: "src" }), "mounted");
  assert.equal(await dest.blobExists(a.layer.descriptor.digest), true);
  assert.equal(await dest.pushBlob(a.config, { mountFrom: "nowhere" }), "uploaded");
  assert.deepEqual(await dest.fetchBlob(a.config.descriptor), a.config.bytes);
});

test("manifests by digest: PUT, HEAD and GET by digest", async () => {
  const repo = registry.repository("bydigest", { push: true });
  const a = testArtifact("bydigest");
  await pushArtifact(repo, a, "t");
  const digest = a.manifest.descriptor.digest;
  assert.deepEqual(await repo.pushManifest(digest, a.manifest), a.manifest.descriptor);
  assert.equal((await repo.resolve(digest))?.digest, digest);
  assert.deepEqual((await repo.fetchManifest(digest)).bytes, a.manifest.bytes);
});

test("missing tags, blobs and repositories are NotFoundError naming registry and repository", async () => {
  const repo = registry.repository("nothing-here");
  assert.equal(await repo.resolve("1.0.0"), undefined);
  assert.equal(await repo.blobExists(`sha256:${"0".repeat(64)}`), false);
  await assert.rejects(repo.fetchManifest("1.0.0"), (e: unknown) => e instanceof NotFoundError && e.message.includes(reg.host) && e.message.includes('"nothing-here"') && e.status === 404);
  await assert.rejects(repo.fetchBlob(`sha256:${"0".repeat(64)}`), NotFoundError);
});

test("interop: an artifact that skopeo pushed from a hand-written OCI layout is pulled with digests verified", async () => {
  // The layout is written here with plain fs calls, not with our OciLayout: skopeo does the upload.
  const layout = join(tmp, "by-hand");
  const put = (bytes: Uint8Array) => {
    const digest = digestOf(bytes);
    mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
    writeFileSync(join(layout, "blobs", "sha256", digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };
  const component = bytesFrom("skopeo-pushed", 250_000);
  const layer = { mediaType: WASM_LAYER, ...put(component) };
  const config = { mediaType: "application/vnd.wasm.config.v0+json", ...put(Buffer.from(JSON.stringify({ architecture: "wasm", os: "wasip2", layerDigests: [layer.digest] }))) };
  const manifestBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }));
  const manifest = { mediaType: OCI_MANIFEST, ...put(manifestBytes), annotations: { "org.opencontainers.image.ref.name": "v1" } };
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(layout, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [manifest] }));
  await skopeo(["copy", "--dest-tls-verify=false", `oci:${layout}:v1`, `docker://${reg.host}/from-skopeo:v1`]);

  const repo = registry.repository("from-skopeo");
  const fetched = await repo.fetchManifest("v1");
  assert.equal(fetched.descriptor.digest, manifest.digest, "skopeo kept the manifest as written");
  const layers = (fetched.manifest as ImageManifest).layers;
  assert.deepEqual(await repo.fetchBlob(layers[0]!), component);
  assert.ok((await repo.fetchBlob((fetched.manifest as ImageManifest).config)).length > 0);
});

test("pushComponents under a namespace (REGISTRY_URL host/ns): refs and repositories carry it", async () => {
  const items = componentItems(join(tmp, "ns"), [{ component: "nsc", tag: "2.1.0" }]);
  const report = await pushComponents(items, { registry: { url: `${reg.host}/team/edge`, configured: true, insecure: true }, projectDir: tmp, env: { SOURCE_DATE_EPOCH: "0" } });
  assert.equal(report.tasks[0]!.ref, `${reg.host}/team/edge/nsc:2.1.0`);
  assert.equal(report.created, "1970-01-01T00:00:00Z");
  const manifest = JSON.parse(await inspectRaw(report.tasks[0]!.ref)) as { layers: { digest: string }[]; annotations: Record<string, string> };
  assert.equal(manifest.layers[0]!.digest, items[0]!.digest);
  assert.equal(manifest.annotations["org.opencontainers.image.version"], "2.1.0");
});
