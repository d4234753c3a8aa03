export { renderProject, versionConfigNames, TASK_FILE, HANDLER_FILE, MANIFEST_FILE, type RenderedProject, type RenderedTask, type RenderOptions } from "./render-project.js";
export { writeGen, GEN_DIR } from "./write-gen.js";
export { pipelineGraph, renderGraph, type GraphFormat } from "./graph.js";
export { goString } from "./go-literal.js";
export { BUILTIN_PROVIDER_IMAGES, DEFAULT_PROVIDER_IMAGES, TEMPLATES } from "./templates.js";
export { imageRef, queueGroup, sinkDeliverSubject, databaseConfigName, UNPUSHED_POSTGRES_PROVIDER, PROVIDER_NAMES, DEST_TOPIC_KEY, BUCKET_KEY, TABLE_KEY, KEY_COLUMN_KEY, PROJECT_ANNOTATION, DEFAULT_CONCURRENCY } from "./manifest.js";
export { renderOptionsFrom } from "./options-from-config.js";
export type { Manifest, ManifestComponent, Trait, LinkTrait, ScalerTrait, NamedConfig, SpreadEntry } from "./manifest-types.js";
