// A build never writes through a symlink planted in gen/: neither a `build` folder that links
// elsewhere nor an output file that does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pelatod } from "../helpers/cli.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";

test("gen/<component>/build linked outside the project, or its .wasm linked to a file: the build writes neither target", () => {
  const p = tempProject({}, EXAMPLE);
  const outside = mkdtempSync(join(tmpdir(), "pelato-outside-"));
  try {
    assert.equal(pelatod(["gen", p.dir]).code, 0);
    const [a, b] = readdirSync(join(p.dir, "gen"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    symlinkSync(outside, join(p.dir, "gen", a!, "build"));
    mkdirSync(join(p.dir, "gen", b!, "build"));
    const victim = join(outside, "victim.txt");
    writeFileSync(victim, "untouched");
    symlinkSync(victim, join(p.dir, "gen", b!, "build", `${b}.wasm`));
    symlinkSync(victim, join(p.dir, "gen", b!, "build", `${b}.json.tmp`));

    const r = pelatod(["build", p.dir, "--toolchain", "go"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(readdirSync(outside), ["victim.txt"], "nothing written outside");
    assert.equal(readFileSync(victim, "utf8"), "untouched");
    for (const c of [a!, b!]) {
      assert.ok(lstatSync(join(p.dir, "gen", c, "build")).isDirectory(), `${c}/build is a real folder`);
      const wasm = join(p.dir, "gen", c, "build", `${c}.wasm`);
      assert.ok(lstatSync(wasm).isFile(), `${c}.wasm is a real file`);
      assert.deepEqual([...readFileSync(wasm).subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
    }
  } finally {
    p.cleanup();
    rmSync(outside, { recursive: true, force: true });
  }
});
