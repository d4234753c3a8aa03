import assert from "node:assert/strict";
import { test } from "node:test";
import { Secret } from "../../src/config/secret.js";
import { AuthClient, memoryResponse, UnauthorizedError, type CredentialLookup, type HttpRequest, type HttpResponse } from "../../src/oci/index.js";

const PASSWORD = "hunter2-very-secret";
const alice: CredentialLookup = () => ({ username: "alice", password: new Secret(PASSWORD), source: "REGISTRY_USER" });
const basicOf = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

/** An in-memory registry with Basic auth on reg.test and Bearer auth (token at auth.test) on tok.test. */
function fakeRegistries() {
  const sent: HttpRequest[] = [];
  const tokenRequests: URL[] = [];
  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    sent.push(req);
    const url = new URL(req.url);
    const authz = req.headers?.authorization;
    if (url.host === "reg.test") {
      return authz === basicOf("alice", PASSWORD) ? memoryResponse(200) : memoryResponse(401, { "www-authenticate": 'Basic realm="test"' }, '{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    if (url.host === "auth.test") {
      tokenRequests.push(url);
      if (authz !== undefined && authz !== basicOf("alice", PASSWORD)) return memoryResponse(401, {}, '{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
      const scopes = url.searchParams.getAll("scope");
      return memoryResponse(200, {}, JSON.stringify({ token: `tok ${scopes.join(" ")}`, expires_in: 60 }));
    }
    // tok.test: /v2/<repo>/… needs a token whose scopes name the repository.
    const repo = /^\/v2\/([^/]+)\//.exec(url.pathname)?.[1];
    const granted = authz?.startsWith("Bearer tok") && (repo === undefined || authz.includes(`repository:${repo}:`));
    if (granted) return memoryResponse(200);
    const scope = repo ? `,scope="repository:${repo}:pull"` : "";
    return memoryResponse(401, { "www-authenticate": `Bearer realm="https://auth.test/token",service="svc"${scope}` });
  };
  return { sent, tokenRequests, base: { send } };
}

test("Basic: the 401 is answered with the credential, then later requests carry it up front", async () => {
  const f = fakeRegistries();
  const client = new AuthClient({ base: f.base, credential: alice });
  assert.equal((await client.send({ method: "GET", url: "http://reg.test/v2/" })).status, 200);
  assert.equal(f.sent.length, 2);
  assert.equal((await client.send({ method: "HEAD", url: "http://reg.test/v2/x/blobs/sha256:1" })).status, 200);
  assert.equal(f.sent.length, 3, "second request authorized up front");
});

test("Basic: without a credential, or with a wrong one, the 401 comes back after at most one retry", async () => {
  const none = fakeRegistries();
  assert.equal((await new AuthClient({ base: none.base }).send({ method: "GET", url: "http://reg.test/v2/" })).status, 401);
  assert.equal(none.sent.length, 1);

  const wrong = fakeRegistries();
  const client = new AuthClient({ base: wrong.base, credential: () => ({ username: "alice", password: new Secret("nope"), source: "t" }) });
  assert.equal((await client.send({ method: "GET", url: "http://reg.test/v2/" })).status, 401);
  assert.equal(wrong.sent.length, 2);
  assert.equal((await client.send({ method: "GET", url: "http://reg.test/v2/" })).status, 401);
  assert.equal(wrong.sent.length, 3, "a refused Basic credential is not sent twice for one request");
});

test("Bearer: one token per scope set, reused until it expires; service, scopes and Basic go to the realm", async () => {
  const f = fakeRegistries();
  let now = 1_000_000;
  const client = new AuthClient({ base: f.base, credential: alice, now: () => now, tokenHosts: ["auth.test"] });
  const scopes = ["repository:x:pull,push"];
  for (let i = 0; i < 3; i++) assert.equal((await client.send({ method: "HEAD", url: `http://tok.test/v2/x/blobs/sha256:${i}`, scopes })).status, 200);
  assert.equal(f.tokenRequests.length, 1, "token cached for the scope");
  const t = f.tokenRequests[0]!;
  assert.equal(t.searchParams.get("service"), "svc");
  assert.deepEqual(t.searchParams.getAll("scope"), scopes);
  assert.equal(f.sent.filter((r) => r.url.startsWith("https://auth.test"))[0]!.headers?.authorization, basicOf("alice", PASSWORD));

  assert.equal((await client.send({ method: "HEAD", url: "http://tok.test/v2/y/blobs/sha256:0", scopes: ["repository:y:pull"] })).status, 200);
  assert.equal(f.tokenRequests.length, 2, "another scope, another token");

  now += 61_000;
  assert.equal((await client.send({ method: "HEAD", url: "http://tok.test/v2/x/blobs/sha256:9", scopes })).status, 200);
  assert.equal(f.tokenRequests.length, 3, "expired token renewed");
});

test("Bearer: a request without scope hints uses the challenge's scope; anonymous asks without Authorization", async () => {
  const f = fakeRegistries();
  const client = new AuthClient({ base: f.base });
  assert.equal((await client.send({ method: "GET", url: "http://tok.test/v2/z/manifests/1" })).status, 200);
  assert.deepEqual(f.tokenRequests[0]!.searchParams.getAll("scope"), ["repository:z:pull"]);
  assert.equal(f.sent.find((r) => r.url.startsWith("https://auth.test"))!.headers?.authorization, undefined);
});

test("Bearer: a refused token request is an UnauthorizedError naming the registry, never the password", async () => {
  const f = fakeRegistries();
  const client = new AuthClient({ base: f.base, credential: () => ({ username: "alice", password: new Secret(PASSWORD + "x"), source: "REGISTRY_USER" }), tokenHosts: ["auth.test"] });
  await assert.rejects(client.send({ method: "GET", url: "http://tok.test/v2/x/manifests/1", scopes: ["repository:x:pull"] }), (e: unknown) => {
    assert.ok(e instanceof UnauthorizedError);
    assert.match(e.message, /tok\.test/);
    assert.match(e.message, /repository "x"/);
    assert.match(e.message, /alice/);
    assert.ok(!e.message.includes(PASSWORD));
    return true;
  });
});
