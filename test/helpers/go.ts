import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./project.js";

/** Decodes Go string literals with Go's own strconv.Unquote. */
export function goUnquote(literals: string[]): string[] {
  const out = execFileSync("go", ["run", "."], { cwd: join(REPO_ROOT, "test", "go", "unquote"), input: literals.join("\n") + "\n", encoding: "utf8", maxBuffer: 1 << 26 });
  return out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as string);
}

/** Files gofmt -e cannot parse, with its complaint; empty when all parse. */
export function gofmtErrors(dir: string): string {
  try {
    execFileSync("gofmt", ["-e", "-l", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return "";
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

/** What a JS string becomes in UTF-8: lone surrogates turn into U+FFFD, pairs stay. */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
