import type { GoModules } from "./go-modules.js";
export const TEMPLATE_NAMES = ["processor_nats", "producer_nats", "http_producer_nats", "nats_to_nats-kv", "nats_to_postgres"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** Templates the original PELATO announced but never shipped, and what to tell a user who asks. */
export const PLANNED_TEMPLATES: Record<string, string> = {
  dbsync_nats: "the original PELATO's planned Postgres template is nats_to_postgres here (fields source_topic, table, optional key)",
};

/** One task as written in workflow.yaml, after validation. */
export interface TaskSpec {
  name: string;
  type: TemplateName;
  code: string;
  targets: string[];
  source_topic?: string;
  dest_topic?: string;
  bucket?: string;
  /** nats_to_postgres: the table rows go into (schema.table allowed), and the column to upsert on. */
  table?: string;
  key?: string;
  /** Messages handled at once per host (DEFAULT_CONCURRENCY when absent). */
  concurrency?: number;
  component_name: string;
  version: string;
}

/** JetStream limits of the streams that carry a topic across the WAN, as written in workflow.yaml. */
export interface StreamLimitsSpec {
  max_age_seconds?: number;
  max_bytes?: number;
}

/** `store_and_forward`: project-wide limits, overridden per concrete topic under `topics`. */
export interface StoreAndForwardSpec extends StreamLimitsSpec {
  topics?: Record<string, StreamLimitsSpec>;
}

export interface WorkflowSpec {
  project_name: string;
  tasks: TaskSpec[];
  store_and_forward?: StoreAndForwardSpec;
}

/** A task together with its Go source, read once at load time. */
export interface Task extends TaskSpec {
  /** Path of the Go file relative to the project, e.g. `tasks/convert.go`. */
  codePath: string;
  source: string;
  /** How exec_task is declared; decides the glue the template calls. */
  signature: ExecTaskSignature;
  /** The import paths of the task's file. */
  imports: string[];
}

/** `unary`: func(string) string. `kv-value`: func(key, data string) string. `kv-pair`: func(key, data string) (string, string). */
export type ExecTaskSignature = "unary" | "kv-value" | "kv-pair";

/** A validated project: everything later stages need, with no more reading of files. */
export interface Project {
  dir: string;
  name: string;
  tasks: Task[];
  storeAndForward?: StoreAndForwardSpec;
  /** The project's go.mod and go.sum, when it has them. */
  goModules?: GoModules;
}
