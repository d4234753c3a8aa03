import assert from "node:assert/strict";
import { test } from "node:test";
import { formatReference, InvalidReferenceError, isLoopback, parseReference, parseRegistryPrefix } from "../../src/oci/index.js";

const D = `sha256:${"a".repeat(64)}`;

test("parseReference: valid references", () => {
  const cases: [string, object][] = [
    ["127.0.0.1:5000/comp:1.0.0", { registry: "127.0.0.1:5000", repository: "comp", tag: "1.0.0" }],
    ["localhost:5000/ns/comp", { registry: "localhost:5000", repository: "ns/comp" }],
    ["localhost/comp:v1", { registry: "localhost", repository: "comp", tag: "v1" }],
    ["ghcr.io/acme/app:1.2.0", { registry: "ghcr.io", repository: "acme/app", tag: "1.2.0" }],
    [`ghcr.io/acme/app@${D}`, { registry: "ghcr.io", repository: "acme/app", digest: D }],
    [`ghcr.io/acme/app:1.2.0@${D}`, { registry: "ghcr.io", repository: "acme/app", tag: "1.2.0", digest: D }],
    ["[::1]:5000/temp_filter:1.0.2", { registry: "[::1]:5000", repository: "temp_filter", tag: "1.0.2" }],
    ["ubuntu", { registry: "docker.io", repository: "library/ubuntu" }],
    ["ubuntu:24.04", { registry: "docker.io", repository: "library/ubuntu", tag: "24.04" }],
    ["acme/app:1", { registry: "docker.io", repository: "acme/app", tag: "1" }],
    ["Registry/app", { registry: "Registry", repository: "app" }],
    ["r.io/a__b/c-d/e.f/g_h---i", { registry: "r.io", repository: "a__b/c-d/e.f/g_h---i" }],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseReference(input), want, input);
});

test("parseReference: invalid references are InvalidReferenceError naming the input", () => {
  const cases = ["r.io/App:1", "r.io/app:", "r.io/app:-x", "r.io/app@sha256:abc", "r.io/app@md5:" + "a".repeat(32), "r.io/a//b", "r.io/_a", "r.io/a_", "r.io/a___b", `r.io/${"a".repeat(256)}`, "r.io/app:" + "t".repeat(129), "bad_host.io:x/app", ""];
  for (const input of cases) {
    assert.throws(() => parseReference(input), (e: unknown) => e instanceof InvalidReferenceError && e.message.includes(`"${input}"`), input);
  }
});

test("formatReference inverts parseReference", () => {
  for (const s of ["127.0.0.1:5000/comp:1.0.0", `ghcr.io/acme/app:1.2.0@${D}`, "localhost:5000/ns/comp"]) assert.equal(formatReference(parseReference(s)), s);
});

test("parseRegistryPrefix: the first segment is always the host", () => {
  const cases: [string, object][] = [
    ["localhost:5000", { registry: "localhost:5000", namespace: "" }],
    ["myregistry/team", { registry: "myregistry", namespace: "team" }],
    ["ghcr.io/acme/edge/", { registry: "ghcr.io", namespace: "acme/edge" }],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseRegistryPrefix(input), want, input);
  assert.throws(() => parseRegistryPrefix("ghcr.io/Acme"), InvalidReferenceError);
});

test("isLoopback", () => {
  const cases: [string, boolean][] = [["localhost:5000", true], ["127.0.0.1", true], ["127.1.2.3:80", true], ["[::1]:5000", true], ["ghcr.io", false], ["10.0.0.1:5000", false], ["localhost.example.com", false], ["127.example.com", false], ["127.0.0.1.example.com:5000", false]];
  for (const [host, want] of cases) assert.equal(isLoopback(host), want, host);
});
