import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Liquid } from "liquidjs";
import { stringify } from "yaml";
import { TEMPLATES_DIR } from "../paths.js";
import { taskModuleKey, type GoModules, type Project, type Task } from "../workflow/index.js";
import { goString } from "./go-literal.js";
import { taskManifest, type ManifestOptions } from "./manifest.js";
import { TEMPLATES, type TemplateInfo } from "./templates.js";
import type { Manifest } from "./manifest-types.js";

export type RenderOptions = Omit<ManifestOptions, "projectName">;

export interface RenderedTask {
  task: Task;
  template: TemplateInfo;
  /** The task's folder under gen/, which is its component name. */
  dir: string;
  /** Go project files and wadm.yaml, keyed by path inside `dir`. */
  files: Map<string, string>;
  manifest: Manifest;
  /** wadm version: the task's version plus a hash of everything rendered for it. */
  version: string;
  /** Hash of the Go sources alone: what the build depends on. */
  sourceDigest: string;
}

export interface RenderedProject {
  project: Project;
  tasks: RenderedTask[];
  /** Every file of gen/, keyed by path inside gen/. */
  files: Map<string, string>;
}

/** Where the user's file lands in the generated project; build errors are mapped back from it. */
export const TASK_FILE = "exec_task.go";
export const HANDLER_FILE = "pelato_main.go";
export const MANIFEST_FILE = "wadm.yaml";
const VERSION_PLACEHOLDER = "PELATO_VERSION"; // upper case: no component name can contain it

const liquid = new Liquid({ root: join(TEMPLATES_DIR, "tasks"), strictVariables: true, strictFilters: true, cache: true });

/** Renders every task into its Go project and manifest, in memory; writing is the caller's. */
export async function renderProject(project: Project, options: RenderOptions): Promise<RenderedProject> {
  const shared = sharedGoFiles();
  const tasks = await Promise.all(project.tasks.map((task) => renderTask(task, project, options, shared)));
  const files = new Map<string, string>();
  for (const t of tasks) for (const [path, content] of t.files) files.set(`${t.dir}/${path}`, content);
  return { project, tasks, files };
}

async function renderTask(task: Task, project: Project, options: RenderOptions, shared: Map<string, string>): Promise<RenderedTask> {
  const projectName = project.name;
  const template = TEMPLATES[task.type];
  // Only Go literals reach the template: a workflow value can never become Go code.
  const context = { task_name: goString(task.name), component_name: goString(task.component_name), signature: task.signature };
  const handler = await liquid.renderFile(`${template.handler}/main.go.liquid`, context);

  const goFiles = new Map<string, string>(shared);
  goFiles.set(HANDLER_FILE, handler);
  goFiles.set(TASK_FILE, task.source);
  // The build depends on the project's modules only through what the task imports: the digest
  // (the version, the component cache's key) takes those, so that an edit of go.mod or go.sum
  // rebuilds the tasks that use what changed, and only those.
  // The go line changes the language itself (loop variables, say): every task's digest takes it.
  const goMod = project.goModules ? withRequires(goFiles.get("go.mod")!, project.goModules) : goFiles.get("go.mod")!;
  const sourceDigest = createHash("sha256").update(digestFiles(goFiles)).update(/^go \S+$/m.exec(goMod)![0]).update(taskModuleKey(task.imports, project.goModules)).digest("hex");
  if (project.goModules) {
    goFiles.set("go.mod", goMod);
    goFiles.set("go.sum", project.goModules.goSum);
  }

  const manifest = taskManifest(task, { ...options, projectName });
  // The version is a hash of the manifest's text with a placeholder where the version goes.
  (manifest.metadata as { annotations: Record<string, string> }).annotations.version = VERSION_PLACEHOLDER;
  const draft = yaml(manifest);
  const hash = createHash("sha256").update(sourceDigest).update(draft).digest("hex").slice(0, 10);
  const version = `${task.version}-${hash}`;
  (manifest.metadata as { annotations: Record<string, string> }).annotations.version = version;
  versionConfigNames(manifest, hash);

  const files = new Map(goFiles);
  files.set(MANIFEST_FILE, yaml(manifest));
  return { task, template, dir: task.component_name, files: sorted(files), manifest, version, sourceDigest };
}

/**
 * Names each named config after the version (the hash a name already ends with, from rendering,
 * is replaced by the pinned version's). wadm deletes an old version's configs after it puts the
 * new version's: under the same name, the new component lost its runtime config (wasmCloud issue
 * 4704; seen here as "no dest_topic" after a redeploy).
 */
export function versionConfigNames(node: unknown, hash: string): void {
  if (Array.isArray(node)) return node.forEach((n) => versionConfigNames(n, hash));
  if (typeof node !== "object" || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    // A config without properties is put by pelatod under a fixed name, not by wadm: never renamed.
    if (key !== "config" || !Array.isArray(value)) {
      versionConfigNames(value, hash);
      continue;
    }
    for (const c of value as { name?: string; properties?: unknown }[]) if (c.properties) c.name &&= c.name.replace(/(-[0-9a-f]{10})?$/, `-${hash}`);
  }
}

/** go.mod and the glue package, the same for every task. */
let sharedCache: Map<string, string> | undefined;
function sharedGoFiles(): Map<string, string> {
  if (!sharedCache) {
    const goDir = join(TEMPLATES_DIR, "go");
    sharedCache = new Map([["go.mod", readFileSync(join(goDir, "go.mod.tmpl"), "utf8")]]);
    for (const file of walk(join(goDir, "glue"))) sharedCache.set(`glue/${relative(join(goDir, "glue"), file)}`, readFileSync(file, "utf8"));
  }
  return sharedCache;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".go") && !e.name.endsWith("_test.go") ? [join(dir, e.name)] : []))
    .sort();
}

/**
 * The template's go.mod with exactly what the project's go.mod requires, at the same versions, and
 * the newer of the two `go` lines: a module's go line must be at least its requirements'.
 */
function withRequires(goMod: string, modules: GoModules): string {
  const template = /^go (\S+)$/m.exec(goMod)![1]!;
  const go = modules.go && newer(modules.go, template) ? modules.go : template;
  const requires = modules.requires.map((r) => `\t${r.path} ${r.version}${r.indirect ? " // indirect" : ""}\n`).join("");
  return `${goMod.replace(/^go \S+$/m, `go ${go}`).trimEnd()}\n${requires ? `\nrequire (\n${requires})\n` : ""}`;
}

function newer(a: string, b: string): boolean {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if ((x![i] ?? 0) !== (y![i] ?? 0)) return (x![i] ?? 0) > (y![i] ?? 0);
  return false;
}

function digestFiles(files: Map<string, string>): string {
  const h = createHash("sha256");
  for (const [path, content] of sorted(files)) h.update(`${path}\0${content.length}\0${content}`);
  return h.digest("hex");
}

function sorted<V>(m: Map<string, V>): Map<string, V> {
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
