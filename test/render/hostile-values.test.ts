// Property: whatever text a workflow holds, the generated Go parses, says exactly that text,
// and the manifests carry exactly the workflow's values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parse } from "yaml";
import { HANDLER_FILE, MANIFEST_FILE, renderProject } from "../../src/render/index.js";
import { gofmtErrors, goUnquote, wellFormed } from "../helpers/go.js";
import { project, RENDER_OPTIONS, task } from "../helpers/fixtures.js";

const nasty = fc.constantFrom('"', "\\", "`", "\n", "{{ task_name }}", "{% if true %}x{% endif %}", "*/", "\u202e", "\u2028", "\x00", "🌡", "${HOME}", "#", ": ", "- ", "&a", "*a", "!!js/function");
const freeText = fc.array(fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), nasty), { minLength: 1, maxLength: 6 }).map((parts) => `x${parts.join("")}`);
const subjectToken = fc.array(fc.oneof(fc.constantFrom('"', "'", "{{", "}}", "#", "\\", "`", "%", "é", "🌡", "$", ":"), fc.string({ unit: fc.constantFrom(..."abcXYZ019_-"), minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 4 }).map((p) => p.join(""));
const subject = fc.array(subjectToken, { minLength: 1, maxLength: 3 }).map((t) => t.join("."));
const bucketName = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

test("hostile workflow values never become code and survive into manifests unchanged", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pelato-prop-"));
  const cases: { name: string; project: string; source: string; dest: string; bucket?: string; files: Map<string, string> }[] = [];
  try {
    await fc.assert(
      fc.asyncProperty(freeText, freeText, subject, subject, bucketName, fc.constantFrom("processor_nats", "http_producer_nats", "nats_to_nats-kv"), async (name, projectName, source, dest, bucket, type) => {
        const kv = type === "nats_to_nats-kv";
        const t = task({ name, type, source_topic: source, ...(kv ? { dest_topic: undefined, bucket, signature: "kv-value" } : { dest_topic: dest }) });
        const r = await renderProject(project([t], { name: projectName }), RENDER_OPTIONS);
        cases.push({ name, project: projectName, source, dest: kv ? "" : dest, ...(kv ? { bucket } : {}), files: r.tasks[0]!.files });
      }),
      { numRuns: 150 },
    );
    const literals: string[] = [];
    cases.forEach((c, i) => {
      const handler = c.files.get(HANDLER_FILE)!;
      mkdirSync(join(dir, String(i)));
      writeFileSync(join(dir, String(i), HANDLER_FILE), handler);
      const m = /^const pelatoTaskName = (.*)$/m.exec(handler);
      assert.ok(m, "the handler declares pelatoTaskName");
      literals.push(m[1]!);

      const manifest = parse(c.files.get(MANIFEST_FILE)!);
      assert.equal(manifest.metadata.annotations.description, c.name);
      assert.equal(manifest.metadata.annotations["pelato.dev/project"], c.project);
      const component = manifest.spec.components[0];
      const runtime = component.properties.config[0].properties;
      if (c.bucket === undefined) assert.deepEqual(runtime, { dest_topic: c.dest });
      else {
        assert.deepEqual(runtime, { bucket: c.bucket });
        assert.equal(manifest.spec.components.length, 2, "a kv task needs no provider beyond messaging");
      }
      const sub = manifest.spec.components[1].traits[1].properties.source.config[0].properties.subscriptions;
      assert.equal(sub, `${c.source}|pelato.comp`);
    });
    assert.equal(gofmtErrors(dir), "", "every generated handler parses");
    assert.deepEqual(goUnquote(literals), cases.map((c) => wellFormed(c.name)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
