export { loadProject, WORKFLOW_FILE } from "./load.js";
export type { Project, Task, TaskSpec, TemplateName, ExecTaskSignature } from "./types.js";
export { TEMPLATE_NAMES } from "./types.js";
export { subjectMatches, downstreamTopics, downstreamOfHttp } from "./pipeline.js";
