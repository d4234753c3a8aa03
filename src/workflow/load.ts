import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError, type Diagnostic } from "../errors.js";
import { checkDuplicates, checkStoreAndForwardTopics, resolveCodePaths } from "./checks.js";
import { checkGoFiles } from "./go-check.js";
import { checkSchema } from "./schema-check.js";
import { checkTaskFile } from "./signature.js";
import { GO_MOD, GO_SUM, isBuiltInImport, missingSums, moduleOf, parseGoMod, type GoModules } from "./go-modules.js";
import { TEMPLATE_NAMES, type Project, type Task, type WorkflowSpec } from "./types.js";
import { parseYamlSource, type YamlSource } from "./yaml-source.js";

export const WORKFLOW_FILE = "workflow.yaml";

/**
 * Reads and validates a project: workflow.yaml against the schema, the checks the schema
 * cannot express, and every task's Go file. Throws InputError listing every problem found.
 */
export interface LoadOptions {
  /** The tiers of the sites the project goes to: a target naming another is an error. */
  tiers?: readonly string[];
}

export async function loadProject(dir: string, o: LoadOptions = {}): Promise<Project> {
  const projectDir = resolve(dir);
  let text: string;
  try {
    text = readFileSync(join(projectDir, WORKFLOW_FILE), "utf8");
  } catch {
    throw new InputError([{ file: join(dir, WORKFLOW_FILE), message: "cannot read the workflow file (is this a PELATO project? `pelatod init` creates one)" }]);
  }
  const { source, diagnostics } = parseYamlSource(WORKFLOW_FILE, text);
  if (!source) throw new InputError(diagnostics);

  const problems: Diagnostic[] = [...checkSchema(source), ...checkDuplicates(source), ...checkStoreAndForwardTopics(source)];
  if (o.tiers) problems.push(...checkTiers(source, o.tiers));
  const { paths, diagnostics: pathProblems } = resolveCodePaths(source, projectDir);
  problems.push(...pathProblems);

  const spec = source.value as WorkflowSpec;
  const indexes = [...paths.keys()];
  const reports = await checkGoFiles(indexes.map((i) => join(projectDir, paths.get(i)!)));
  const tasks: Task[] = [];
  const goModules = readGoModules(projectDir, problems);
  indexes.forEach((i, n) => {
    const taskSpec = spec.tasks[i]!;
    const codePath = paths.get(i)!;
    const template = TEMPLATE_NAMES.find((t) => t === taskSpec.type);
    const report = reports[n]!;
    const { signature, diagnostics: goProblems } = checkTaskFile(report, codePath, template);
    problems.push(...goProblems, ...checkImports(report.imports, codePath, goModules));
    if (signature) tasks.push({ ...taskSpec, codePath, signature, imports: report.imports.map((i) => i.path), source: readFileSync(join(projectDir, codePath), "utf8") });
  });

  if (problems.length > 0) throw new InputError(sortDiagnostics(problems));
  return { dir: projectDir, name: spec.project_name, tasks, storeAndForward: spec.store_and_forward, ...(goModules ? { goModules } : {}) };
}

/** The project's go.mod and go.sum, beside workflow.yaml; undefined without a go.mod. */
function readGoModules(projectDir: string, problems: Diagnostic[]): GoModules | undefined {
  let goMod: string;
  try {
    goMod = readFileSync(join(projectDir, GO_MOD), "utf8");
  } catch {
    return undefined;
  }
  const { requires, go, lines, diagnostics } = parseGoMod(goMod);
  problems.push(...diagnostics);
  let goSum = "";
  try {
    goSum = readFileSync(join(projectDir, GO_SUM), "utf8");
  } catch {
    if (requires.length > 0) problems.push({ file: GO_SUM, message: `missing: go.mod requires ${requires.length} module(s) and go.sum pins their content; run \`go mod download\` (or \`go get\` again) in the project folder` });
    return { requires, goSum, ...(go ? { go } : {}) };
  }
  const modules = { requires, goSum, ...(go ? { go } : {}) };
  for (const r of missingSums(modules)) {
    problems.push({ file: GO_MOD, line: lines.get(r.path)!, col: 1, message: `${r.path} ${r.version}: go.sum does not pin it (its content and go.mod lines); run \`go mod download ${r.path}\` in the project folder` });
  }
  return modules;
}

/** Every import outside the standard library must come from a module go.mod pins. */
function checkImports(imports: readonly { path: string; line: number; col: number }[], codePath: string, modules: GoModules | undefined): Diagnostic[] {
  return imports.flatMap((i) => {
    if (i.path === "C" || isBuiltInImport(i.path) || (modules && moduleOf(i.path, modules.requires))) return [];
    const fix = modules ? `add it with \`go get ${i.path}\` in the project folder` : `create the project's go.mod (\`go mod init\`, or \`pelatod init\` for a new project), then \`go get ${i.path}\``;
    return [{ file: codePath, line: i.line, col: i.col, message: `imports "${i.path}", whose module go.mod does not require: ${fix}` }];
  });
}

function checkTiers(source: YamlSource, tiers: readonly string[]): Diagnostic[] {
  const tasks = (source.value as Partial<WorkflowSpec> | null)?.tasks;
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((task, i) =>
    (Array.isArray(task?.targets) ? task.targets : []).flatMap((target, j) =>
      typeof target === "string" && !tiers.includes(target) ? [{ file: source.file, ...source.locate(["tasks", i, "targets", j]), message: `tasks[${i}].targets: no site has the tier "${target}" (the sites' tiers: ${[...new Set(tiers)].join(", ")})` }] : [],
    ),
  );
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.file === WORKFLOW_FILE ? 0 : 1);
  return [...ds].sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}
