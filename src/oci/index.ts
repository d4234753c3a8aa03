// Public surface of the OCI client: layered as oras-go's registry/remote (registry →
// repository → auth → retry → transport), plus the Wasm artifact format and push planning.
export { parseReference, formatReference, parseRegistryPrefix, validateRepository, isLoopback, type Reference } from "./reference.js";
export { Registry, type RegistryOptions } from "./registry.js";
export { Repository, resolveRepositoryOptions, DEFAULT_CHUNK_BYTES, DEFAULT_MONOLITHIC_MAX_BYTES, type RepositoryOptions } from "./repository.js";
export { OciLayout } from "./layout.js";
export type { Target, FetchedManifest } from "./target.js";
export { createClientStack, type ClientStackOptions } from "./client.js";
export { AuthClient, realmRefusal, type AuthClientOptions } from "./auth.js";
export { RetryClient, DEFAULT_RETRY_POLICY, nextDelay, parseRetryAfter, type RetryPolicy } from "./retry.js";
export { UndiciClient, memoryResponse, type HttpClient, type HttpRequest, type HttpResponse } from "./http.js";
export { parseWwwAuthenticate, type Challenge } from "./challenge.js";
export { createCredentialLookup, dockerConfigCredential, dockerConfigPath, type Credential, type CredentialLookup } from "./credentials.js";
export { wasmArtifact, providerArtifact, type WasmArtifact, type WasmArtifactInput, type ComponentInterfaces } from "./artifact.js";
export { componentInterfaces, parseWorldInterfaces } from "./wit.js";
export { pushArtifact, type PushOutcome } from "./push.js";
export { pushComponents, pushProviderArchive, LAYOUT_DIR, DEFAULT_PUSH_PARALLEL, type PushItem, type PushOptions, type PushReport, type PushEvent, type TaskPushResult } from "./push-project.js";
export { projectProvenance, type Provenance } from "./provenance.js";
export { digestOf, validateDigest } from "./digest.js";
export * from "./media-types.js";
export * from "./errors.js";
export { openRegistry, type RegistrySettings } from "./open-registry.js";
export { imageProblems, type ExpectedImage } from "./verify.js";
