// The rules of pelatod's provider's sink reader (toolchain/postgres-provider/src/sink.rs: reply
// subjects, backoff, answers, batching, splitting a failed batch, framing) are unit tests of the
// crate: cargo test runs them, reusing the dependencies toolchain/setup/postgres-provider.sh built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { cacheDir, TOOLCHAIN_DIR } from "../../src/paths.js";

test("the provider's sink reader batches, answers and splits as the local host's does (cargo test)", () => {
  const r = spawnSync("nice", ["cargo", "test", "--release", "--locked", "--manifest-path", join(TOOLCHAIN_DIR, "postgres-provider", "Cargo.toml"), "--bin", "pelato-postgres-provider"], {
    encoding: "utf8",
    env: { ...process.env, CARGO_TARGET_DIR: join(cacheDir(), "target", "wasmcloud-host") },
    timeout: 900_000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const name of ["parses_both_reply_subject_forms", "replies_to_each_outcome", "a_failed_batch_runs_again_one_message_at_a_time_first", "frames_each_body_with_its_length", "tells_a_trap_from_an_unreachable_component"]) {
    assert.match(r.stdout, new RegExp(`test sink::tests::${name} \\.\\.\\. ok`));
  }
});
