import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWwwAuthenticate } from "../../src/oci/index.js";

test("parseWwwAuthenticate: table", () => {
  const cases: [string | undefined, object[]][] = [
    [undefined, []],
    ["", []],
    ['Basic realm="Registry Realm"', [{ scheme: "basic", params: { realm: "Registry Realm" } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [{ scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:samalba/my-app:pull,push" } }],
    ],
    // Several scopes, space-separated in one parameter, as distribution sends them for a mount.
    ['Bearer realm="http://t/token", service="s", scope="repository:a:pull,push repository:b:pull"', [{ scheme: "bearer", params: { realm: "http://t/token", service: "s", scope: "repository:a:pull,push repository:b:pull" } }]],
    // Two challenges in one header; token values unquoted; names in any case.
    ['Basic realm="r", BEARER Realm=x, Service=y', [{ scheme: "basic", params: { realm: "r" } }, { scheme: "bearer", params: { realm: "x", service: "y" } }]],
    // Escaped quote inside a quoted string.
    ['Basic realm="say \\"hi\\""', [{ scheme: "basic", params: { realm: 'say "hi"' } }]],
    // token68 form, then another challenge.
    ["Negotiate abc123==, Basic realm=r", [{ scheme: "negotiate", params: {}, token68: "abc123==" }, { scheme: "basic", params: { realm: "r" } }]],
    ["Bearer", [{ scheme: "bearer", params: {} }]],
  ];
  for (const [header, want] of cases) assert.deepEqual(parseWwwAuthenticate(header), want, String(header));
});
