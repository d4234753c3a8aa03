// The pure Go of a nats_to_postgres task: the batch it is handed (templates/go/glue/frames) and the
// statement it sends (templates/go/glue/pgrows), each with its Go tests, run with go test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, tempProject } from "../helpers/project.js";

test("frames and pgrows: a batch split by its lengths; values only in bound parameters, identifiers checked and quoted, upserts across a batch, refusals (go test)", () => {
  const module = tempProject({ "go.mod": "module pelato.local/task\n\ngo 1.24\n" });
  try {
    for (const pkg of ["frames", "pgrows"]) cpSync(join(REPO_ROOT, "templates", "go", "glue", pkg), join(module.dir, "glue", pkg), { recursive: true });
    const r = spawnSync("go", ["test", "-count=1", "-v", "./glue/frames/", "./glue/pgrows/"], { cwd: module.dir, encoding: "utf8", env: { ...process.env, GOWORK: "off", GOFLAGS: "-mod=mod" } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const name of ["TestRefusals", "TestABatchOfMessagesIsOneStatementWhereTheLatestMessageOfAKeyWins", "TestSplitReadsLengthPrefixedBodies", "TestSplitRefusesLengthsThatDoNotAddUp"]) assert.match(r.stdout, new RegExp(`--- PASS: ${name}`));
  } finally {
    module.cleanup();
  }
});
