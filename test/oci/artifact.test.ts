import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { componentWit } from "@bytecodealliance/jco";
import { test } from "node:test";
import { ANNOTATION, componentInterfaces, OCI_MANIFEST, parseWorldInterfaces, WASM_CONFIG, WASM_LAYER, wasmArtifact } from "../../src/oci/index.js";
import { rfc3339 } from "../../src/oci/artifact.js";
import { buildDir } from "../helpers/build.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";
import { bytesFrom, CREATED, testArtifact } from "./helpers/artifact.js";

const sha = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

test("wasmArtifact: CNCF Wasm layout, layer byte for byte, descriptors that match their bytes", () => {
  const a = testArtifact("comp", 1000);
  assert.deepEqual(a.layer.bytes, bytesFrom("comp", 1000));
  for (const b of [a.manifest, a.config, a.layer]) {
    assert.equal(b.descriptor.digest, sha(b.bytes));
    assert.equal(b.descriptor.size, b.bytes.length);
  }
  const manifest = json(a.manifest.bytes);
  assert.equal(manifest.schemaVersion, 2);
  assert.equal(manifest.mediaType, OCI_MANIFEST);
  assert.deepEqual(manifest.config, { mediaType: WASM_CONFIG, digest: a.config.descriptor.digest, size: a.config.bytes.length });
  assert.deepEqual(manifest.layers, [{ mediaType: WASM_LAYER, digest: a.layer.descriptor.digest, size: 1000, annotations: { [ANNOTATION.title]: "comp.wasm" } }]);
  assert.deepEqual(manifest.annotations, {
    [ANNOTATION.created]: "2025-03-04T05:06:07Z",
    [ANNOTATION.title]: "comp",
    [ANNOTATION.version]: "1.0.0",
    [ANNOTATION.revision]: "0123456789abcdef0123456789abcdef01234567",
  });
  assert.deepEqual(json(a.config.bytes), {
    created: "2025-03-04T05:06:07Z",
    architecture: "wasm",
    os: "wasip2",
    layerDigests: [a.layer.descriptor.digest],
    component: { exports: ["wasmcloud:messaging/handler@0.2.0"], imports: ["wasi:logging/logging@0.1.0-draft"] },
  });
});

test("wasmArtifact is deterministic: same input, same manifest digest; another time, another digest", () => {
  assert.equal(testArtifact("x").manifest.descriptor.digest, testArtifact("x").manifest.descriptor.digest);
  const other = wasmArtifact({ component: bytesFrom("x", 4096), interfaces: { imports: [], exports: [] }, created: new Date(CREATED.getTime() + 1000), title: "x" });
  assert.notEqual(other.manifest.descriptor.digest, testArtifact("x").manifest.descriptor.digest);
  assert.equal(other.layer.descriptor.digest, testArtifact("x").layer.descriptor.digest, "the layer is the component alone");
  assert.equal(json(other.manifest.bytes).annotations && (json(other.manifest.bytes).annotations as Record<string, string>)[ANNOTATION.revision], undefined);
});

test("rfc3339 drops milliseconds", () => {
  assert.equal(rfc3339(new Date("2025-01-02T03:04:05.678Z")), "2025-01-02T03:04:05Z");
});

test("parseWorldInterfaces: table", () => {
  const cases: [string, { imports: string[]; exports: string[] }][] = [
    ["package root:component;\n\nworld root {\n  import wasi:io/poll@0.2.3;\n  import wasi:io/streams@0.2.3;\n\n  export wasmcloud:messaging/handler@0.2.0;\n}\n", { imports: ["wasi:io/poll@0.2.3", "wasi:io/streams@0.2.3"], exports: ["wasmcloud:messaging/handler@0.2.0"] }],
    // Named functions and inline interfaces give their names; their bodies are not world items.
    ["world w {\n  import log: func(msg: string);\n  export run: interface {\n    import-like: func();\n  }\n  export  a:b/c ;\n}\n", { imports: ["log"], exports: ["run", "a:b/c"] }],
    // Lines outside a world (interface bodies, comments) are ignored.
    ["interface i {\n  import x: func();\n}\n// import y;\nworld w {\n  import z; // trailing comment\n}\n", { imports: ["z"], exports: [] }],
    ["", { imports: [], exports: [] }],
  ];
  for (const [wit, want] of cases) assert.deepEqual(parseWorldInterfaces(wit), want, wit);
});

test("componentInterfaces reads a real component's world with jco", async () => {
  // The example's temp_filter, built with the real toolchain (from the component cache after the first run).
  const p = tempProject({}, EXAMPLE);
  try {
    const built = await buildDir(p.dir);
    const wasm = readFileSync(built.get("temp_filter")!.wasm);
    const { imports, exports } = await componentInterfaces(wasm);
    assert.deepEqual(exports, ["wasmcloud:messaging/handler@0.2.0"]);
    assert.ok(imports.includes("wasmcloud:messaging/consumer@0.2.0"), imports.join(","));
    assert.ok(imports.every((i) => /^[a-z-]+:[a-z-]+\/[a-z-]+@/.test(i)), imports.join(","));

    // Remembered per component shape: the HTTP producer (another world) gets its own; a new version of the filter, the same right answer.
    const http = await componentInterfaces(readFileSync(built.get("celsius_to_kelvin_conversion")!.wasm));
    assert.ok(http.exports.includes("wasi:http/incoming-handler@0.2.0"), http.exports.join(","));
    const filter = join(p.dir, "tasks", "filter.go");
    writeFileSync(filter, readFileSync(filter, "utf8").replace("r.Data > 400", "r.Data > 450"));
    const v2 = readFileSync((await buildDir(p.dir)).get("temp_filter")!.wasm);
    assert.notDeepEqual(v2, wasm);
    assert.deepEqual(await componentInterfaces(v2), parseWorldInterfaces(await componentWit(v2)));
  } finally {
    p.cleanup();
  }
});
