// Every file in test/corpus/broken is a workflow.yaml that must be rejected; its `# expect:`
// lines are diagnostics that must all be reported, exactly as written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostic, InputError } from "../../src/errors.js";
import { loadProject } from "../../src/workflow/index.js";
import { REPO_ROOT, tempProject } from "../helpers/project.js";

const CORPUS = join(REPO_ROOT, "test", "corpus");
const cases = readdirSync(join(CORPUS, "broken")).filter((f) => f.endsWith(".yaml")).sort();

test("the corpus has at least 40 broken workflows", () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
});

for (const name of cases) {
  test(`rejects ${name}`, async () => {
    const text = readFileSync(join(CORPUS, "broken", name), "utf8");
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]!);
    assert.ok(expected.length > 0, `${name} has no "# expect:" line`);
    const { dir, cleanup } = tempProject();
    try {
      cpSync(join(CORPUS, "tasks"), join(dir, "tasks"), { recursive: true });
      writeFileSync(join(dir, "workflow.yaml"), text);
      const err = await loadProject(dir).then(
        () => assert.fail("accepted a broken workflow"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
      assert.equal(err.exitCode, 2);
      const actual = err.diagnostics.map(formatDiagnostic);
      for (const line of expected) assert.ok(actual.includes(line), `missing:\n  ${line}\nreported:\n  ${actual.join("\n  ")}`);
      assert.equal(actual.length, expected.length, `reported more than expected:\n  ${actual.join("\n  ")}`);
    } finally {
      cleanup();
    }
  });
}
