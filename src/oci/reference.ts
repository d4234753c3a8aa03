import { validateDigest } from "./digest.js";
import { InvalidReferenceError } from "./errors.js";
import { isLoopbackHost } from "../loopback.js";

// Grammar of distribution/reference (reference.go), which docker, skopeo, oras and wash share:
//   reference := name [":" tag] ["@" digest];  name := [domain "/"] path-component ("/" path-component)*
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_NAME = 255;

/** A parsed image reference. `registry` is host[:port] as written (docker.io when none is). */
export interface Reference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Parses "registry/repo:tag@digest". As docker does, the first path segment is a registry only
 * when it looks like a host (has "." or ":", is "localhost" or an IPv6 literal); otherwise the
 * registry is docker.io and a one-segment name gets the "library/" prefix.
 */
export function parseReference(input: string): Reference {
  let rest = input;
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    try {
      validateDigest(digest);
    } catch (err) {
      throw new InvalidReferenceError(input, `"${digest}" is not a sha256 or sha512 digest`, { cause: err });
    }
  }
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/") && colon > rest.lastIndexOf("]")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(input, `"${tag}" is not a tag (letters, digits, _ . -; at most 128)`);
  }
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.startsWith("[") || first !== first.toLowerCase());
  const registry = hasDomain ? first : "docker.io";
  const repository = hasDomain ? rest.slice(slash + 1) : slash < 0 ? `library/${rest}` : rest;
  if (!DOMAIN.test(registry)) throw new InvalidReferenceError(input, `"${registry}" is not a registry host[:port]`);
  validateRepository(repository, input);
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export function formatReference(r: Reference): string {
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ""}${r.digest !== undefined ? `@${r.digest}` : ""}`;
}

/** Throws InvalidReferenceError unless `name` is a repository path (lower case components). */
export function validateRepository(name: string, input = name): string {
  if (name.length === 0 || name.length > MAX_NAME) throw new InvalidReferenceError(input, `repository name must be 1 to ${MAX_NAME} characters`);
  for (const part of name.split("/")) {
    if (!PATH_COMPONENT.test(part)) throw new InvalidReferenceError(input, `"${part}" is not a repository path component (lower-case letters and digits, joined by . _ __ or -)`);
  }
  return name;
}

/**
 * Splits pelatod's REGISTRY_URL form, host[:port][/namespace], into the registry host and the
 * repository namespace. Unlike parseReference, the first segment is always the host: the
 * configuration says so, so "myregistry/team" is host "myregistry", never docker.io.
 */
export function parseRegistryPrefix(prefix: string): { registry: string; namespace: string } {
  const slash = prefix.indexOf("/");
  const registry = slash < 0 ? prefix : prefix.slice(0, slash);
  const namespace = slash < 0 ? "" : prefix.slice(slash + 1).replace(/\/+$/, "");
  if (!DOMAIN.test(registry)) throw new InvalidReferenceError(prefix, `"${registry}" is not a registry host[:port]`);
  if (namespace !== "") validateRepository(namespace, prefix);
  return { registry, namespace };
}

/** True for hosts that only this machine can reach: plain http is the default for them. */
export function isLoopback(registry: string): boolean {
  return isLoopbackHost(registry.replace(/:[0-9]+$/, ""));
}
