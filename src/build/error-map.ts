import type { Diagnostic } from "../errors.js";
import { TASK_FILE } from "../render/index.js";

const GO_ERROR = /^(?:\.\/)?([^\s:]+\.go):(\d+):(\d+): (.*)$/;

/**
 * Reads `go build` output and points each error at the file the user wrote: errors in
 * exec_task.go become tasks/<file>.go; errors elsewhere (the generated handler or glue)
 * keep their gen/ path so they are never blamed on the user.
 */
export function mapCompilerOutput(output: string, codePath: string, genDir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of output.split("\n")) {
    const m = GO_ERROR.exec(line.trim());
    if (!m) continue;
    const [, file, lineNo, col, message] = m;
    const fromUser = file === TASK_FILE;
    out.push({ file: fromUser ? codePath : `${genDir}/${file}`, line: Number(lineNo), col: Number(col), message: message! });
  }
  if (out.length === 0 && output.trim() !== "") out.push({ file: codePath, message: output.trim().split("\n").slice(-5).join("; ") });
  return out;
}
