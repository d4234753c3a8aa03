// A file a .env names (NATS credentials, TLS) is relative to that .env's folder: the project's for
// the project's, the working directory's for that one, whichever folder pelatod runs from.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveConfig } from "../../src/config/index.js";
import { tempProject } from "../helpers/project.js";

const cwd = process.cwd();
const folders: Array<{ cleanup(): void }> = [];
after(() => {
  process.chdir(cwd);
  folders.forEach((f) => f.cleanup());
});

function layout(files: Record<string, string>): string {
  const f = tempProject(files);
  folders.push(f);
  process.chdir(f.dir);
  return f.dir;
}

test("relative paths in the project's .env resolve against the project, wherever pelatod runs from", () => {
  const dir = layout({ "project/.env": "NATS_URL=nats://127.0.0.1:4222\nNATS_CA=tls/ca.pem\n" });
  assert.equal(resolveConfig(join(dir, "project"), {}, {}).nats.tls?.ca, join(dir, "project", "tls", "ca.pem"));
});

test("relative paths in the working directory's .env resolve against it; the environment's stay as given", () => {
  const dir = layout({ ".env": "NATS_URL=nats://127.0.0.1:4222\nNATS_CREDS=keys/user.creds\n", "project/.env": "PELATO_LATTICE=x\n" });
  assert.equal(resolveConfig(join(dir, "project"), {}, {}).nats.credsFile, join(dir, "keys", "user.creds"));
  assert.equal(resolveConfig(join(dir, "project"), {}, { NATS_URL: "nats://127.0.0.1:4222", NATS_CREDS: "mine.creds" }).nats.credsFile, "mine.creds");
});
