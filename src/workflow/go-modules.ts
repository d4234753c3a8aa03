import type { Diagnostic } from "../errors.js";

/** One `require` of the project's go.mod. */
export interface GoRequire {
  path: string;
  version: string;
  indirect: boolean;
}

/** The project's Go modules: what its go.mod pins and its go.sum, as the tasks' modules get them. */
export interface GoModules {
  requires: GoRequire[];
  /** go.mod's `go` line, when it has one. */
  go?: string;
  /** go.sum, verbatim. */
  goSum: string;
}

export const GO_MOD = "go.mod";
export const GO_SUM = "go.sum";

/**
 * The requires of a go.mod (single lines and blocks), and what pelatod cannot honour: `replace`
 * (a replaced module is built from elsewhere than what go.sum pins) and lines it cannot read.
 */
export function parseGoMod(text: string): { requires: GoRequire[]; go?: string; lines: Map<string, number>; diagnostics: Diagnostic[] } {
  const requires: GoRequire[] = [];
  const lines = new Map<string, number>();
  let go: string | undefined;
  const diagnostics: Diagnostic[] = [];
  let block: string | undefined;
  text.split("\n").forEach((raw, i) => {
    const comment = raw.indexOf("//");
    const indirect = comment >= 0 && /^\/\/\s*indirect\b/.test(raw.slice(comment));
    // `require(` is a block too: the go.mod lexer makes "(" a token of its own.
    const line = (comment >= 0 ? raw.slice(0, comment) : raw).replace(/\(\s*$/, " (").trim();
    const at = (message: string): Diagnostic => ({ file: GO_MOD, line: i + 1, col: 1, message });
    if (line === "") return;
    if (block !== undefined) {
      if (line === ")") block = undefined;
      else if (block === "require") addRequire(line, indirect, at, i + 1);
      else if (block === "replace") diagnostics.push(at(`replace is not supported: a task's module builds from what go.sum pins, in a container without network; require the version you need instead`));
      return;
    }
    const [keyword, ...rest] = line.split(/\s+/);
    const value = rest.join(" ");
    if (value === "(") block = keyword;
    else if (keyword === "require") addRequire(value, indirect, at, i + 1);
    else if (keyword === "go") {
      if (/^\d+\.\d+(\.\d+)?$/.test(value)) go = value;
      else diagnostics.push(at(`cannot read the go version "${value}"`));
    }
    else if (keyword === "replace") diagnostics.push(at(`replace is not supported: a task's module builds from what go.sum pins, in a container without network; require the version you need instead`));
  });
  return { requires, ...(go ? { go } : {}), lines, diagnostics };

  function addRequire(spec: string, indirect: boolean, at: (m: string) => Diagnostic, line: number) {
    const [path, version, ...extra] = spec.split(/\s+/);
    // Checked as well as read: they are written into every task's go.mod.
    if (!path || !version || extra.length > 0 || !/^[A-Za-z0-9._~+!/-]+$/.test(path) || !/^v\d+\.\d+\.\d+[A-Za-z0-9.+-]*$/.test(version)) diagnostics.push(at(`cannot read the require "${spec}" (module path and version, e.g. github.com/google/uuid v1.6.0)`));
    else {
      requires.push({ path, version, indirect });
      lines.set(path, line);
    }
  }
}

/** The module every task is generated as (templates/go/go.mod.tmpl): its glue packages are the task's own. */
export const TASK_MODULE = "pelato.local/task";

/** Go's rule: a standard-library import path's first element has no dot. */
export function isStandardImport(path: string): boolean {
  return !path.split("/")[0]!.includes(".");
}

/** Imports no module of the project's provides: the standard library and the task module's own glue. */
export function isBuiltInImport(path: string): boolean {
  return isStandardImport(path) || path === TASK_MODULE || path.startsWith(`${TASK_MODULE}/`);
}

/** The required module that provides an import path: the longest module path it falls under. */
export function moduleOf(importPath: string, requires: readonly GoRequire[]): GoRequire | undefined {
  return requires.filter((r) => importPath === r.path || importPath.startsWith(`${r.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
}

/**
 * What of the project's modules a task's build depends on, for its version and cache key. A task
 * that imports only the standard library depends on none of them: an edit of go.mod or go.sum
 * leaves it alone. One that imports a module depends on all of them, since any required module
 * may be among what it imports needs (a direct require of one task is an indirect one of another).
 */
export function taskModuleKey(imports: readonly string[], modules: GoModules | undefined): string {
  if (!modules || imports.every(isBuiltInImport)) return "";
  const paths = new Set(modules.requires.map((r) => r.path));
  const sums = modules.goSum.split("\n").filter((l) => paths.has(l.split(" ")[0]!));
  return [`go ${modules.go ?? ""}`, ...modules.requires.map((r) => `${r.path} ${r.version}`), ...sums].sort().join("\n");
}

/** Each require must have its content and go.mod lines in go.sum: without them, nothing pins it. */
export function missingSums(modules: GoModules): GoRequire[] {
  const have = new Set(modules.goSum.split("\n").map((l) => l.split(" ").slice(0, 2).join(" ")));
  return modules.requires.filter((r) => !have.has(`${r.path} ${r.version}`) || !have.has(`${r.path} ${r.version}/go.mod`));
}
