export { LocalHost, localWorkers, type HostEvent, type LocalHostOptions } from "./local-host.js";
export { HostProcess, type HostProcessOptions } from "./host-client.js";
export type { AppSource, AppStatus } from "./host-protocol.js";
export { appFromManifest, type LocalApp } from "./app.js";
export { DEFAULT_LIMITS, type Limits } from "./instance.js";
export { loadComponent, type HostImports, type LoadedComponent } from "./load-component.js";
export { startNatsServer, type LocalNats } from "./nats-server.js";
export { writeUpState, readUpState, clearUpState, staleNatsPid, STATE_DIR, type UpState } from "./up-state.js";
export { prepareComponent } from "./transpile-cache.js";
