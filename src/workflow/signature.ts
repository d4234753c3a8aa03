import type { Diagnostic } from "../errors.js";
import type { GoFileReport } from "./go-check.js";
import type { ExecTaskSignature, TemplateName } from "./types.js";

const SIGNATURES: Record<ExecTaskSignature, { params: string[]; results: string[]; text: string }> = {
  unary: { params: ["string"], results: ["string"], text: "func exec_task(arg string) string" },
  "kv-value": { params: ["string", "string"], results: ["string"], text: "func exec_task(key string, data string) string" },
  "kv-pair": { params: ["string", "string"], results: ["string", "string"], text: "func exec_task(key string, data string) (string, string)" },
};

const ALLOWED: Record<TemplateName, ExecTaskSignature[]> = {
  processor_nats: ["unary"],
  producer_nats: ["unary"],
  http_producer_nats: ["unary"],
  "nats_to_nats-kv": ["kv-value", "kv-pair"],
  nats_to_postgres: ["unary"],
};

/** Checks one parsed task file against what its template calls; returns the signature found. */
export function checkTaskFile(
  report: GoFileReport,
  codePath: string,
  template: TemplateName | undefined,
): { signature?: ExecTaskSignature; diagnostics: Diagnostic[] } {
  const at = (line = 1, col = 1, message: string): Diagnostic => ({ file: codePath, line, col, message });
  if (report.errors.length > 0) {
    const unique = [...new Map(report.errors.map((e) => [`${e.line}:${e.col}:${e.message}`, e])).values()];
    return { diagnostics: unique.map((e) => at(e.line, e.col, e.message)) };
  }

  const diagnostics: Diagnostic[] = [];
  if (report.constraint) diagnostics.push(at(report.constraint.line, report.constraint.col, `a build constraint (${report.constraint.message.slice(0, 60)}) may leave the task out of its own build; task files take none`));
  if (report.package !== "main") diagnostics.push(at(1, 1, `package must be "main" (found "${report.package}")`));
  for (const i of report.imports) if (i.path === "C") diagnostics.push(at(i.line, i.col, 'cgo (the import of "C") cannot be compiled to WebAssembly; a task uses Go only'));
  if (report.main) diagnostics.push(at(report.main.line, report.main.col, "defines func main; the template provides main, define only exec_task"));

  if (!template) return { diagnostics }; // unknown template: workflow.yaml's error says so
  const wanted = ALLOWED[template];
  const fn = report.execTask;
  if (!fn) {
    diagnostics.push(at(1, 1, `no func exec_task; a ${template} task needs ${wanted.map((s) => SIGNATURES[s].text).join(" or ")}`));
    return { diagnostics };
  }
  if (fn.generic) {
    diagnostics.push(at(fn.line, fn.col, `exec_task may not have type parameters: the template calls ${wanted.map((s) => SIGNATURES[s].text).join(" or ")}`));
    return { diagnostics };
  }
  const signature = wanted.find((s) => same(SIGNATURES[s].params, fn.params) && same(SIGNATURES[s].results, fn.results));
  if (!signature) {
    const found = `func exec_task(${fn.params.join(", ")})${formatResults(fn.results)}`;
    diagnostics.push(at(fn.line, fn.col, `exec_task must be ${wanted.map((s) => SIGNATURES[s].text).join(" or ")} for a ${template} task; found ${found}`));
  }
  return { signature, diagnostics };
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function formatResults(results: string[]): string {
  if (results.length === 0) return "";
  return results.length === 1 ? ` ${results[0]}` : ` (${results.join(", ")})`;
}
