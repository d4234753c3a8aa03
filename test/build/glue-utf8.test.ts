// The glue's cabi.ValidUTF8 (which spares TinyGo builds the strings package) does what
// strings.ToValidUTF8 does: the function, cut from the glue as it ships, is run natively beside
// the standard library's on every input of a corpus of valid, invalid and truncated UTF-8.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/project.js";

test("cabi.ValidUTF8 replaces each run of invalid bytes exactly as strings.ToValidUTF8 does", () => {
  const cabi = readFileSync(join(REPO_ROOT, "templates", "go", "glue", "cabi", "cabi.go"), "utf8");
  const fn = /\nfunc ValidUTF8\(s, replacement string\) string \{\n[\s\S]*?\n\}\n/.exec(cabi)?.[0];
  assert.ok(fn, "ValidUTF8 is in templates/go/glue/cabi/cabi.go");
  const dir = mkdtempSync(join(tmpdir(), "pelato-utf8-"));
  try {
    writeFileSync(join(dir, "go.mod"), "module utf8check\n\ngo 1.24\n");
    const program = readFileSync(join(REPO_ROOT, "test", "go", "validutf8", "main.go.in"), "utf8");
    writeFileSync(join(dir, "main.go"), program.replace("// VALIDUTF8\n", fn));
    const out = execFileSync("go", ["run", "."], { cwd: dir, encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=mod", GOWORK: "off" } });
    assert.match(out, /^checked 6591, differ 0\n$/, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
