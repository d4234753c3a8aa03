export { WadmClient, parseReply } from "./client.js";
export { WadmApiError, WadmNotFoundError, WadmUnavailableError } from "./errors.js";
export { wadmSubjects } from "./subjects.js";
export { planDeploy, type DeployStep } from "./plan.js";
export { deployManifests, waitForApplications, currentStatus, removeApplications, projectApplications, type DeployOutcome, type WaitResult } from "./deploy.js";
export type { AppStatus, Manifest, ModelSummary, StatusInfo, StatusType, VersionInfo } from "./types.js";
export { latticeInventory, placement, type HostInventory } from "./hosts.js";
export { pinManifest } from "./pin.js";
export { sitesLastSeen } from "./last-seen.js";
