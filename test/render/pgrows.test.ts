// The statement a nats_to_postgres task sends: its Go tests (templates/go/glue/pgrows) run with go test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, tempProject } from "../helpers/project.js";

test("pgrows: values only in bound parameters, identifiers checked and quoted, upserts, refusals (go test)", () => {
  const module = tempProject({ "go.mod": "module pelato.local/task\n\ngo 1.24\n" });
  try {
    cpSync(join(REPO_ROOT, "templates", "go", "glue", "pgrows"), join(module.dir, "glue", "pgrows"), { recursive: true });
    const r = spawnSync("go", ["test", "-count=1", "-v", "./glue/pgrows/"], { cwd: module.dir, encoding: "utf8", env: { ...process.env, GOWORK: "off", GOFLAGS: "-mod=mod" } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /--- PASS: TestRefusals/);
  } finally {
    module.cleanup();
  }
});
