import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDiagnostic, InputError } from "../../src/errors.js";
import { mapCompilerOutput } from "../../src/build/error-map.js";
import { buildAll } from "../helpers/build.js";
import { pelatod } from "../helpers/cli.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";

test("go build output is mapped to the user's file; generated files keep their gen/ path", () => {
  const out = "# pelato.local/task\n./exec_task.go:7:9: undefined: kelvin\n./pelato_main.go:3:2: oops\nnote: module requires Go 1.99\n";
  assert.deepEqual(mapCompilerOutput(out, "tasks/convert.go", "gen/conv").map(formatDiagnostic), [
    "tasks/convert.go:7:9: undefined: kelvin",
    "gen/conv/pelato_main.go:3:2: oops",
  ]);
});

test("a type error in a task is reported at tasks/<file>.go:L:C; the other task still builds", async () => {
  const p = tempProject({ "tasks/filter.go": 'package main\n\nfunc exec_task(arg string) string {\n\tvar n int = arg\n\treturn ""\n}\n' }, EXAMPLE);
  try {
    const results = await buildAll(p.dir);
    const filter = results.find((r) => r.component === "temp_filter")!;
    assert.equal(filter.ok, false);
    assert.ok(!filter.ok && filter.error instanceof InputError);
    const lines = (filter.error as InputError).diagnostics.map(formatDiagnostic);
    assert.ok(lines.includes("tasks/filter.go:4:14: cannot use arg (variable of type string) as int value in variable declaration"), lines.join("\n"));
    assert.equal(results.find((r) => r.component === "celsius_to_kelvin_conversion")!.ok, true);

    const cli = pelatod(["build", p.dir]);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /^error: tasks\/filter\.go:4:14: /m);
  } finally {
    p.cleanup();
  }
});
