// The components' worlds, read back from the built bytes with jco's wit printer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { componentWit } from "@bytecodealliance/jco";
import { buildDir } from "../helpers/build.js";
import { REPO_ROOT, tempProject } from "../helpers/project.js";

async function worldOf(wasm: string): Promise<{ imports: string[]; exports: string[] }> {
  const wit = await componentWit(readFileSync(wasm));
  const grab = (kind: string) => [...wit.matchAll(new RegExp(`^\\s*${kind} ([^;]+);`, "gm"))].map((m) => m[1]!);
  return { imports: grab("import"), exports: grab("export") };
}

test("messaging, HTTP and kv templates build into components with the worlds wasmCloud expects", async () => {
  const temperature = tempProject({}, join(REPO_ROOT, "examples", "temperature"));
  const iot = tempProject({}, join(REPO_ROOT, "examples", "iot-pipeline"));
  try {
    const [t, i] = await Promise.all([buildDir(temperature.dir), buildDir(iot.dir)]);
    const filter = await worldOf(t.get("temp_filter")!.wasm);
    assert.ok(filter.exports.includes("wasmcloud:messaging/handler@0.2.0"), filter.exports.join());
    assert.ok(filter.imports.includes("wasmcloud:messaging/consumer@0.2.0"));
    assert.ok(filter.imports.includes("wasi:config/runtime@0.2.0-draft"));
    assert.ok(filter.imports.includes("wasi:logging/logging@0.1.0-draft"));
    assert.ok(!filter.exports.includes("wasi:http/incoming-handler@0.2.0"), "a processor exports no HTTP handler");

    const producer = await worldOf(t.get("celsius_to_kelvin_conversion")!.wasm);
    assert.ok(producer.exports.includes("wasi:http/incoming-handler@0.2.0"));
    assert.ok(producer.exports.includes("wasmcloud:messaging/handler@0.2.0"));

    const store = await worldOf(i.get("reading_store")!.wasm);
    assert.ok(store.imports.includes("wasmcloud:messaging/consumer@0.2.0"), store.imports.join());
    assert.ok(!store.imports.some((x) => x.startsWith("wasi:keyvalue")), "a kv task puts through messaging: no key-value provider needed");
    assert.ok(store.exports.includes("wasmcloud:messaging/handler@0.2.0"));
  } finally {
    temperature.cleanup();
    iot.cleanup();
  }
});
