import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Tests run from dist/test/…; the repository is three levels up. */
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const EXAMPLE = join(REPO_ROOT, "examples", "temperature");
export const CLI = join(REPO_ROOT, "dist", "src", "cli", "main.js");

/** A throw-away project folder, optionally a copy of `copyFrom`; removed by cleanup(). */
export function tempProject(files: Record<string, string> = {}, copyFrom?: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "pelato-test-"));
  if (copyFrom) cpSync(copyFrom, dir, { recursive: true, filter: (src) => !/[/\\](gen|\.pelato|metrics\.yaml)$/.test(src) });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
