// A lattice service writes its own log: a script that blocks its event loop (a spawnSync of
// `pelatod brush`) must not stop the hosts it started. Piped, a host stalled on a full pipe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startService } from "../../src/lattice/service.js";

test("a service's output reaches its log while this process is blocked", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pelato-service-"));
  const done = join(dir, "done");
  const service = startService("chatty", "sh", ["-c", `head -c 300000 /dev/zero | tr '\\0' x; touch ${done}; sleep 30`], process.env, dir);
  try {
    spawnSync("sleep", ["2"]); // blocks this event loop, as a script's spawnSync does
    assert.ok(existsSync(done), "the service finished writing 300 KB while nobody read a pipe");
    assert.equal(statSync(service.log).size, 300_000);
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
