// Every package the code imports is declared in package.json: one that comes only as another
// package's dependency (binaryen came with jco) can vanish with an update of that package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinModules } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./helpers/project.js";

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function imported(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!entry.endsWith(".ts")) continue;
    const text = readFileSync(join(dir, entry), "utf8");
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)"([^"./][^"]*)"/g)) {
      const spec = m[1]!;
      if (spec.startsWith("node:") || builtinModules.includes(spec)) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
      if (!found.has(name)) found.set(name, join(dir, entry));
    }
  }
  return found;
}

test("every package src/ imports is a dependency; every one test/ and bench/ import is declared", () => {
  const undeclared = [...imported(join(REPO_ROOT, "src"))].filter(([name]) => !(name in pkg.dependencies)).map(([n, f]) => `${n} (${f})`);
  assert.deepEqual(undeclared, []);
  const all = { ...pkg.dependencies, ...pkg.devDependencies };
  const forTests = [...imported(join(REPO_ROOT, "test")), ...imported(join(REPO_ROOT, "bench"))].filter(([name]) => !(name in all)).map(([n, f]) => `${n} (${f})`);
  assert.deepEqual(forTests, []);
});

test("the scan finds dynamic imports too (binaryen is loaded with import())", () => {
  assert.ok(imported(join(REPO_ROOT, "src")).has("binaryen"));
});

test("no stage imports src/cli (an eslint rule; the daemon used to reach into it for render options)", async () => {
  const { ESLint } = await import("eslint");
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const probe = 'import { outputFor } from "../cli/context.js";\nexport const o = outputFor;\n';
  const [inDaemon] = await eslint.lintText(probe, { filePath: join(REPO_ROOT, "src", "daemon", "probe.ts") });
  assert.ok(inDaemon!.messages.some((m) => m.ruleId === "no-restricted-imports"), JSON.stringify(inDaemon!.messages));
  const [inCli] = await eslint.lintText(probe.replace("../cli/", "./"), { filePath: join(REPO_ROOT, "src", "cli", "probe.ts") });
  assert.ok(!inCli!.messages.some((m) => m.ruleId === "no-restricted-imports"));
});

test("a stage enters another only through its index.ts (eslint rule pelato/stage-imports)", async () => {
  const { ESLint } = await import("eslint");
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const lint = async (code: string, file: string) => (await eslint.lintText(code, { filePath: join(REPO_ROOT, "src", ...file.split("/")) }))[0]!.messages.filter((m) => m.ruleId === "pelato/stage-imports");
  assert.equal((await lint('import { readUpState } from "../host/up-state.js";\nexport const r = readUpState;\n', "daemon/probe.ts")).length, 1);
  assert.equal((await lint('export const m = await import("../host/transpile-cache.js");\n', "daemon/probe.ts")).length, 1);
  assert.equal((await lint('import { readUpState } from "../host/index.js";\nexport const r = readUpState;\n', "daemon/probe.ts")).length, 0);
  assert.equal((await lint('import { Toolbox } from "./toolbox/toolbox.js";\nexport const t = Toolbox;\n', "daemon/probe.ts")).length, 0, "within a stage");
  assert.equal((await lint('import { PROJECT_STATE_DIR } from "../paths.js";\nexport const p = PROJECT_STATE_DIR;\n', "daemon/probe.ts")).length, 0, "a shared top-level module");
});
