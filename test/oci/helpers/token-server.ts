import { execFileSync } from "node:child_process";
import { createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./registry.js";

// A minimal token service in the shape of distribution's token auth spec: GET /token with
// service and scope parameters, Basic credentials, answers {"token", "expires_in"}; the JWT is
// RS256 with the signing certificate in x5c, trusted by the registry through rootcertbundle.

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate the registry trusts. */
  certPath: string;
  /** Every token request: who asked and for which scopes; "" for anonymous. */
  requests: { user: string; scopes: string[] }[];
  stop(): Promise<void>;
}

export async function startTokenServer(users: Record<string, string>, o: { expiresIn?: number } = {}): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), "pelato-token-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath, "-days", "2", "-subj", "/CN=pelato-test-token"], { stdio: "ignore" });
  const key = createPrivateKey(readFileSync(keyPath));
  const certDer = new X509Certificate(readFileSync(certPath)).raw.toString("base64");
  const port = await freePort();
  const service = "pelato-test-registry";
  const issuer = "pelato-test-issuer";
  const requests: TokenServer["requests"] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    const user = basicUser(req.headers.authorization, users);
    if (user === null) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] }));
      return;
    }
    const scopes = url.searchParams.getAll("scope");
    requests.push({ user, scopes });
    // Anonymous users get nothing; known users get whatever they ask for.
    const access = user === "" ? [] : scopes.flatMap(parseScope);
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = o.expiresIn ?? 300;
    const claims = { iss: issuer, sub: user, aud: service, exp: now + expiresIn, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access };
    const token = jwt(key, certDer, claims);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** "" for no credentials, null for wrong ones, else the user name. */
function basicUser(header: string | undefined, users: Record<string, string>): string | null {
  if (!header) return "";
  const [user, ...rest] = Buffer.from(header.replace(/^Basic /, ""), "base64").toString("utf8").split(":");
  return user !== undefined && users[user] !== undefined && users[user] === rest.join(":") ? user : null;
}

function parseScope(scope: string): { type: string; name: string; actions: string[] }[] {
  const parts = scope.split(":");
  if (parts.length < 3) return [];
  return [{ type: parts[0]!, name: parts.slice(1, -1).join(":"), actions: parts.at(-1)!.split(",") }];
}

function jwt(key: KeyObject, certDer: string, claims: object): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${b64({ typ: "JWT", alg: "RS256", x5c: [certDer] })}.${b64(claims)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), key).toString("base64url")}`;
}
