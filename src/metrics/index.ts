export { appendRunLog, type RunRecord } from "./run-log.js";
