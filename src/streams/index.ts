// Store and forward between sites: the JetStream streams that carry the topics a leaf tier
// publishes and the hub reads, so that nothing is lost while a leaf's link is down.
export { planStreams, streamName, PROJECT_METADATA, type CrossingStreams, type DurableSource, type StreamSpec } from "./plan.js";
export { ensureStreams, type EnsureOptions } from "./apply.js";
export { inspectSites, type CrossingReport, type SiteReport } from "./report.js";
export { crossingHealth, type CrossingHealth } from "./health.js";
export { planSinks, ensureSinks, removeSinkConsumers, sinkStreamName, type SinkPlan, type SinkStream, type SinkConsumer, type SinkSetUpOptions } from "./sinks.js";
