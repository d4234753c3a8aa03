import { lstatSync, realpathSync } from "node:fs";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import type { Diagnostic } from "../errors.js";
import { isPublishSubject } from "./schema-check.js";
import type { YamlSource } from "./yaml-source.js";

/** Task fields as they may be before the schema has passed: anything can be missing or mistyped. */
type LooseTask = Partial<Record<string, unknown>>;

export function looseTasks(src: YamlSource): LooseTask[] {
  const tasks = (src.value as { tasks?: unknown } | null)?.tasks;
  return Array.isArray(tasks) ? tasks.map((t) => (t && typeof t === "object" ? (t as LooseTask) : {})) : [];
}

/** Names and component names must be unique: they name applications and OCI repositories. */
export function checkDuplicates(src: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const key of ["name", "component_name"]) {
    const first = new Map<string, number>();
    looseTasks(src).forEach((t, i) => {
      const v = t[key];
      if (typeof v !== "string") return;
      const prev = first.get(v);
      if (prev === undefined) first.set(v, i);
      else out.push({ file: src.file, ...src.locate(["tasks", i, key]), message: `tasks[${i}].${key}: "${v}" is already used by tasks[${prev}]` });
    });
  }
  return out;
}

/** A limit set for a topic no task publishes would silently do nothing. */
export function checkStoreAndForwardTopics(src: YamlSource): Diagnostic[] {
  const topics = (src.value as { store_and_forward?: { topics?: unknown } } | null)?.store_and_forward?.topics;
  if (!topics || typeof topics !== "object" || Array.isArray(topics)) return [];
  const published = new Set(looseTasks(src).map((t) => t.dest_topic));
  const path = ["store_and_forward", "topics"];
  return Object.keys(topics)
    .filter((topic) => isPublishSubject(topic) && !published.has(topic)) // the schema reports a malformed one
    .map((topic) => ({ file: src.file, ...(src.locateKey(path, topic) ?? src.locate(path)), message: `store_and_forward.topics.${topic}: no task publishes ${topic}` }));
}

/** Resolves each task's `code` to a regular file inside tasks/, refusing anything that escapes it. */
export function resolveCodePaths(src: YamlSource, projectDir: string): { paths: Map<number, string>; diagnostics: Diagnostic[] } {
  const paths = new Map<number, string>();
  const diagnostics: Diagnostic[] = [];
  const tasksDir = join(projectDir, "tasks");
  looseTasks(src).forEach((t, i) => {
    const code = t.code;
    if (typeof code !== "string" || !code.endsWith(".go")) return; // the schema reports it
    const fail = (why: string) => diagnostics.push({ file: src.file, ...src.locate(["tasks", i, "code"]), message: `tasks[${i}].code: ${why}` });
    const rel = normalize(code);
    if (isAbsolute(code) || rel.split(sep).includes("..") || code.includes("\\")) return fail(`"${code}" must be a path inside tasks/ (no absolute path, no "..")`);
    const full = join(tasksDir, rel);
    let stat;
    try {
      stat = lstatSync(full);
    } catch {
      return fail(`tasks/${rel} does not exist`);
    }
    try {
      const real = realpathSync(full);
      const inside = relative(realpathSync(tasksDir), real);
      if (inside.startsWith("..") || isAbsolute(inside)) return fail(`tasks/${rel} is a link to a file outside tasks/`);
      if (!lstatSync(real).isFile()) return fail(`tasks/${rel} is not a regular file`);
    } catch {
      return fail(`tasks/${rel} cannot be read`);
    }
    if (!stat.isFile() && !stat.isSymbolicLink()) return fail(`tasks/${rel} is not a regular file`);
    paths.set(i, join("tasks", rel));
  });
  return { paths, diagnostics };
}
