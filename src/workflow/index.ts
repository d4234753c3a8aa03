export { loadProject, WORKFLOW_FILE } from "./load.js";
export type { Project, Task, TaskSpec, TemplateName, ExecTaskSignature, StoreAndForwardSpec, StreamLimitsSpec } from "./types.js";
export { TEMPLATE_NAMES } from "./types.js";
export { subjectMatches, downstreamTopics, downstreamOfHttp } from "./pipeline.js";
export { crossingTopics, crossingTopicsByTier, streamLimits, DEFAULT_STREAM_LIMITS, HUB_TIER, type Crossing, type StreamLimits } from "./crossings.js";
export { GO_MOD, GO_SUM, taskModuleKey, type GoModules, type GoRequire } from "./go-modules.js";
