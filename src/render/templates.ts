import type { TemplateName } from "../workflow/index.js";

/** What a template renders: the WIT world its component targets and the providers it links. */
export interface TemplateInfo {
  /** World in templates/wit/pelato, used by the build's embed step. */
  world: "processor" | "http-producer" | "postgres";
  /** Folder under templates/tasks holding the handler's main.go.liquid. */
  handler: string;
  http: boolean;
  /** Where the task's results go instead of a topic: a NATS KV bucket, or a PostgreSQL table. */
  sink?: "kv" | "postgres";
}

export const TEMPLATES: Record<TemplateName, TemplateInfo> = {
  processor_nats: { world: "processor", handler: "processor", http: false },
  // producer_nats is the original's name for the HTTP producer; both render the same project.
  producer_nats: { world: "http-producer", handler: "http-producer", http: true },
  http_producer_nats: { world: "http-producer", handler: "http-producer", http: true },
  // A put into a bucket is a request over messaging: the processor's world, no key-value provider.
  "nats_to_nats-kv": { world: "processor", handler: "kv", http: false, sink: "kv" },
  nats_to_postgres: { world: "postgres", handler: "postgres", http: false, sink: "postgres" },
};

/** Capability provider images, pinned; override per deployment through RenderOptions. */
export const DEFAULT_PROVIDER_IMAGES = {
  messaging: "ghcr.io/wasmcloud/messaging-nats:0.23.1",
  http: "ghcr.io/wasmcloud/http-server:0.23.2",
} as const;

/**
 * `postgres`: pelatod's own provider (toolchain/postgres-provider), pushed to the project's
 * registry by push and brush; absent until then.
 */
export type ProviderImages = { [K in keyof typeof DEFAULT_PROVIDER_IMAGES]: string } & { postgres?: string };

/** The providers built into wasmCloud hosts >= 1.x (experimental features, switched on by pelato's host harness). */
export const BUILTIN_PROVIDER_IMAGES: ProviderImages = {
  messaging: "wasmcloud+builtin://messaging-nats",
  http: "wasmcloud+builtin://http-server",
};
