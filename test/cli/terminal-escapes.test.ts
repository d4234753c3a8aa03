// Values from workflow.yaml, the environment or a component never drive the terminal: whatever
// pelatod prints has its control, bidirectional and zero-width characters written as \uXXXX.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { printable } from "../../src/cli/output.js";
import { pelatod } from "../helpers/cli.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

test("validate, graph and a bad setting: nothing printed holds a raw escape, in text or --json", () => {
  const p = tempProject({}, EXAMPLE);
  try {
    const yaml = join(p.dir, "workflow.yaml");
    writeFileSync(yaml, `project_name: "ok\\e]0;PWNED\\a\\e[2J\\u202Eevil"\ntasks:\n  - name: "t\\e[31m"\n    type: processor_nats\n    code: convert.go\n    targets: [edge]\n    source_topic: "a\\u200Bb"\n    dest_topic: out\n    component_name: c\n    version: 1.0.0\n`);
    for (const args of [["validate", p.dir], ["graph", p.dir], ["validate", p.dir, "--json"]]) {
      const r = pelatod(args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.ok(!RAW.test(r.stdout + r.stderr), JSON.stringify(r.stdout + r.stderr));
      assert.match(r.stdout + r.stderr, /project_name/);
    }
    const env = pelatod(["gen", p.dir], { env: { PELATO_LATTICE: "x\u001b]0;PWNED\u0007" } });
    assert.equal(env.code, 2);
    assert.ok(!RAW.test(env.stderr), JSON.stringify(env.stderr));
    assert.match(env.stderr, /PELATO_LATTICE: "x\\u001b\]0;PWNED\\u0007"/);
  } finally {
    p.cleanup();
  }
});

test("printable keeps text, line feeds, tabs and colours; escapes the rest", () => {
  assert.equal(printable("a\tb\nc \u001b[31mred\u001b[39m é 😀"), "a\tb\nc \u001b[31mred\u001b[39m é 😀");
  assert.equal(printable("x\u001b]0;t\u0007\u001b[2J\r\u202e\u200b\u0000"), "x\\u001b]0;t\\u0007\\u001b[2J\\u000d\\u202e\\u200b\\u0000");
});
