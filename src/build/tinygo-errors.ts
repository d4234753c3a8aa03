import type { Diagnostic } from "../errors.js";
import { mapCompilerOutput } from "./error-map.js";
import { MOUNTS } from "./tinygo-container.js";

/**
 * TinyGo reports errors as Go does (`file.go:L:C: message`), but names files by their path in
 * the container (`/src/exec_task.go`) or relative to the project; both become the project's
 * relative path, then the go toolchain's mapping points the user's file at tasks/<file>.go.
 * Lines TinyGo adds around them (`# pelato.local/task`, `error: …`) carry no position and are
 * kept only when nothing else explains the failure.
 */
export function mapTinygoOutput(output: string, codePath: string, genDir: string, srcDir: string = MOUNTS.src): Diagnostic[] {
  const prefixes = [`${srcDir}/`, "./"];
  const normalized = output
    .split("\n")
    .map((line) => {
      const trimmed = line.trim();
      const prefix = prefixes.find((p) => trimmed.startsWith(p));
      return prefix ? trimmed.slice(prefix.length) : trimmed;
    })
    .join("\n");
  return mapCompilerOutput(normalized, codePath, genDir);
}
