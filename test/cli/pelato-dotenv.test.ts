// Projects as the original PELATO laid them out: `.env` in the folder pelato ran from (the
// framework's), the project (workflow.yaml, tasks/) in a folder given on the command line.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { WadmClient } from "../../src/wadm/index.js";
import { startLatticeServices, type LatticeServices } from "../daemon/helpers/lattice-services.js";
import { pelatod } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";

const THESIS_WORKFLOW = "project_name: thesis\ntasks:\n  - name: Double\n    type: processor_nats\n    code: double.go\n    targets:\n      - edge\n    source_topic: in\n    dest_topic: out\n    component_name: doubler\n    version: 1.0.0\n";
const framework = tempProject({ "project/workflow.yaml": THESIS_WORKFLOW, "project/tasks/double.go": "package main\n\nfunc exec_task(arg string) string { return arg + arg }\n" });
const project = join(framework.dir, "project");
let services: LatticeServices;
let nc: NatsConnection;

before(async () => {
  services = await startLatticeServices();
  nc = await connect({ servers: services.nats.url });
});
after(async () => {
  await nc?.close();
  await services?.stop();
  framework.cleanup();
});

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => pelatod(args, { cwd: framework.dir, env: { REGISTRY_URL: "", NATS_URL: "", NATS_HOST: "", NATS_PORT: "", ...env } });

test("the thesis's layout: brush project/ from the folder holding .env deploys to the registry and NATS that .env names", async () => {
  const port = services.nats.url.split(":").at(-1);
  writeFileSync(join(framework.dir, ".env"), `REGISTRY_URL=${services.registry.host}\nREGISTRY_USER=\nREGISTRY_PASSWORD=\nPARALLEL_BUILD=True\nNATS_HOST=127.0.0.1\nNATS_PORT=${port}\nENABLE_METRICS=True\n`);
  const r = run(["brush", "project", "--toolchain", "go", "--no-wait", "--verbose"]);
  assert.equal(r.code, 0, r.stderr);
  for (const name of ["REGISTRY_URL", "NATS_HOST", "NATS_PORT"]) assert.match(r.stderr, new RegExp(`setting ${name} from \\.\\./\\.env`), "--verbose says which file each setting came from");
  const tags = (await (await fetch(`http://${services.registry.host}/v2/doubler/tags/list`)).json()) as { tags: string[] };
  assert.deepEqual(tags.tags, ["1.0.0"], "pushed to the .env's registry");
  assert.ok((await new WadmClient(nc, "default").list()).some((m) => m.name === "doubler"), "put to the .env's NATS");
});

test("both .env files: the project's wins, each setting named with its file, and a bad value located in the file it came from", () => {
  writeFileSync(join(framework.dir, ".env"), "PELATO_LATTICE=from-cwd\nPELATO_HTTP_PORT=8001\n");
  writeFileSync(join(project, ".env"), "PELATO_LATTICE=from-project\n");
  const r = run(["validate", "project", "--verbose"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /setting PELATO_LATTICE from \.env\b/);
  assert.match(r.stderr, /setting PELATO_HTTP_PORT from \.\.\/\.env/);
  writeFileSync(join(framework.dir, ".env"), "PELATO_HTTP_PORT=8001\nPELATO_HTTP_PORT=80000\n");
  const bad = run(["validate", "project"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /\.\.\/\.env:2:1: PELATO_HTTP_PORT: "80000" is not a port number/, "the assignment that counts, the last");
});

test("a credential from one .env file never goes to a server another .env file named", () => {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, ".env"), "REGISTRY_URL=registry.example:5000\n");
  writeFileSync(join(framework.dir, ".env"), "REGISTRY_USER=me\nREGISTRY_PASSWORD=s3cret-from-cwd\n");
  const r = run(["validate", "project"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\.\.\/\.env:2:1: REGISTRY_PASSWORD: comes from \.\.\/\.env but the server it is for \(REGISTRY_URL\) from \.env/);
  assert.doesNotMatch(r.stderr + r.stdout, /s3cret-from-cwd/);
  const chosen = run(["validate", "project"], { REGISTRY_URL: "registry.example:5000" });
  assert.equal(chosen.code, 0, `a server chosen in the environment takes the file's credentials, as before: ${chosen.stderr}`);
});
