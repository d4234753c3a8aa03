import type { TemplateName } from "../workflow/index.js";

/** What a template renders: the WIT world its component targets and the providers it links. */
export interface TemplateInfo {
  /** World in templates/wit/pelato, used by the build's embed step. */
  world: "processor" | "http-producer" | "kv";
  /** Folder under templates/tasks holding the handler's main.go.liquid. */
  handler: string;
  http: boolean;
  keyvalue: boolean;
}

export const TEMPLATES: Record<TemplateName, TemplateInfo> = {
  processor_nats: { world: "processor", handler: "processor", http: false, keyvalue: false },
  // producer_nats is the original's name for the HTTP producer; both render the same project.
  producer_nats: { world: "http-producer", handler: "http-producer", http: true, keyvalue: false },
  http_producer_nats: { world: "http-producer", handler: "http-producer", http: true, keyvalue: false },
  "nats_to_nats-kv": { world: "kv", handler: "kv", http: false, keyvalue: true },
};

/** Capability provider images, pinned; override per deployment through RenderOptions. */
export const DEFAULT_PROVIDER_IMAGES = {
  messaging: "ghcr.io/wasmcloud/messaging-nats:0.23.1",
  http: "ghcr.io/wasmcloud/http-server:0.23.2",
  keyvalue: "ghcr.io/wasmcloud/keyvalue-nats:0.3.1",
} as const;

export type ProviderImages = { [K in keyof typeof DEFAULT_PROVIDER_IMAGES]: string };

/**
 * The providers built into wasmCloud hosts >= 1.x (experimental features, switched on by
 * pelato's host harness). There is no builtin key-value provider: kv tasks keep the image.
 */
export const BUILTIN_PROVIDER_IMAGES: ProviderImages = {
  messaging: "wasmcloud+builtin://messaging-nats",
  http: "wasmcloud+builtin://http-server",
  keyvalue: DEFAULT_PROVIDER_IMAGES.keyvalue,
};
