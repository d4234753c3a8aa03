import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pelatod } from "../helpers/cli.js";
import { setupBinary } from "../helpers/servers.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";
import { freePort, startRegistry, type RunningRegistry } from "./helpers/registry.js";
import { inspectRaw, skopeo } from "./helpers/skopeo.js";

const PASSWORD = "cli-secret-pw-123";
const COMPONENTS = ["celsius_to_kelvin_conversion", "temp_filter"];

interface TaskJson {
  component: string;
  ref: string;
  manifestDigest: string;
  layerDigest: string;
  blobsUploaded: number;
  skipped: boolean;
}

/** Environment with no registry settings from the machine running the tests. */
function env(over: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { REGISTRY_URL: "", REGISTRY_USER: "", REGISTRY_PASSWORD: "", DOCKER_CONFIG: "/nonexistent-docker-config", SOURCE_DATE_EPOCH: "", ...over };
}

function builtWasm(dir: string, component: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dir, "gen", component, "build", `${component}.wasm`)));
}

describe("pelatod push / brush", () => {
  let reg: RunningRegistry;
  let project: ReturnType<typeof tempProject>;
  before(async () => {
    reg = await startRegistry();
    project = tempProject({}, EXAMPLE);
  });
  after(async () => {
    await reg?.stop();
    project?.cleanup();
  });

  test("push --json publishes every component; skopeo copies each layer out byte for byte; a second push uploads 0 blobs", async () => {
    const r = pelatod(["push", project.dir, "--json"], { env: env({ REGISTRY_URL: reg.host }) });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout) as { ok: boolean; destination: string; tasks: TaskJson[] };
    assert.equal(out.destination, "registry");
    assert.deepEqual(out.tasks.map((t) => t.component).sort(), COMPONENTS);
    for (const t of out.tasks) {
      assert.equal(t.blobsUploaded, 2);
      assert.equal(t.skipped, false);
      assert.match(t.ref, new RegExp(`^${reg.host.replace(/\./g, "\\.")}/${t.component}:\\d+\\.\\d+\\.\\d+$`));
      const manifest = JSON.parse(await inspectRaw(t.ref)) as { layers: { digest: string; mediaType: string }[]; config: { mediaType: string } };
      assert.equal(manifest.config.mediaType, "application/vnd.wasm.config.v0+json");
      assert.deepEqual(manifest.layers.map((l) => [l.mediaType, l.digest]), [["application/wasm", t.layerDigest]]);
      const layout = join(project.dir, "copied");
      await skopeo(["copy", "--src-tls-verify=false", `docker://${t.ref}`, `oci:${layout}:${t.component}`]);
      assert.deepEqual(new Uint8Array(readFileSync(join(layout, "blobs", "sha256", t.layerDigest.slice(7)))), builtWasm(project.dir, t.component));
    }

    const again = pelatod(["push", project.dir, "--json"], { env: env({ REGISTRY_URL: reg.host }) });
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout) as { tasks: TaskJson[] };
    assert.deepEqual(second.tasks.map((t) => [t.skipped, t.blobsUploaded]), [[true, 0], [true, 0]]);
    assert.deepEqual(second.tasks.map((t) => t.manifestDigest).sort(), out.tasks.map((t) => t.manifestDigest).sort());
  });

  test("without REGISTRY_URL, push writes an OCI layout per component at .pelato/oci/<component>, entries named by version, that skopeo and oras read, with the same digests as the registry's", async () => {
    const toRegistry = pelatod(["push", project.dir], { env: env({ REGISTRY_URL: reg.host }) });
    assert.equal(toRegistry.code, 0, toRegistry.stderr);
    const r = pelatod(["push", project.dir], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OCI layout .*\.pelato\/oci \(no REGISTRY_URL set\): pushed 2/);
    const oci = join(project.dir, ".pelato", "oci");
    assert.deepEqual(readdirSync(oci).sort(), ["celsius_to_kelvin_conversion", "temp_filter"]);
    for (const [component, version] of [["celsius_to_kelvin_conversion", "1.0.0"], ["temp_filter", "1.0.2"]] as const) {
      const layout = join(oci, component);
      const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { digest: string; annotations: Record<string, string> }[] };
      assert.deepEqual(index.manifests.map((m) => m.annotations["org.opencontainers.image.ref.name"]), [version]);
      const raw = await skopeo(["inspect", "--raw", `oci:${layout}:${version}`]);
      const manifest = JSON.parse(raw) as { layers: { digest: string }[] };
      assert.deepEqual(new Uint8Array(readFileSync(join(layout, "blobs", "sha256", manifest.layers[0]!.digest.slice(7)))), builtWasm(project.dir, component));
      // Same sources, same created time: the layout holds the very manifest the registry got.
      assert.equal(await inspectRaw(`${reg.host}/${component}:${version}`), raw);
      // oras, as its docs show it: `--oci-layout <dir>:<tag>`.
      const pulled = mkdtempSync(join(tmpdir(), "pelato-oras-"));
      try {
        execFileSync(setupBinary("oras.sh"), ["pull", "--oci-layout", `${layout}:${version}`, "-o", pulled], { stdio: "pipe" });
        const files = readdirSync(pulled);
        assert.equal(files.length, 1, `oras pulled ${files.join(", ")}`);
        assert.deepEqual(new Uint8Array(readFileSync(join(pulled, files[0]!))), builtWasm(project.dir, component));
      } finally {
        rmSync(pulled, { recursive: true, force: true });
      }
    }
  });

  test("brush without a registry pushes to the local layout and deploys nothing, saying why", () => {
    const r = pelatod(["brush", project.dir, "--json"], { env: env({}) });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { deployed: boolean; note: string; push: { destination: string; tasks: TaskJson[] } };
    assert.equal(out.deployed, false);
    assert.equal(out.push.destination, "oci-layout");
    assert.match(out.note, /no REGISTRY_URL: pushed to the local OCI layout only, nothing deployed/);
    assert.equal(out.push.tasks.length, 2);
  });

  test("registry down: exit 1 with a clear message", async () => {
    const port = await freePort();
    const r = pelatod(["push", project.dir], { env: env({ REGISTRY_URL: `127.0.0.1:${port}` }) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`error: cannot reach registry 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(r.stderr, /^pushed /m);
  });
});

test("pelatod push with a wrong password: exit 1, the registry and user named, the password printed nowhere", async () => {
  const reg = await startRegistry({ kind: "htpasswd", users: { alice: PASSWORD } });
  const project = tempProject({}, EXAMPLE);
  try {
    const wrong = `${PASSWORD}-wrong`;
    for (const args of [["push", project.dir], ["push", project.dir, "--json"], ["push", project.dir, "--verbose"]]) {
      const r = pelatod(args, { env: env({ REGISTRY_URL: reg.host, REGISTRY_USER: "alice", REGISTRY_PASSWORD: wrong }) });
      assert.equal(r.code, 1, r.stdout);
      const all = r.stdout + r.stderr;
      assert.match(all, new RegExp(`registry ${reg.host.replace(/\./g, "\\.")}.*authentication failed \\(401\\).*user \\\\?"alice\\\\?" \\(from REGISTRY_USER\\)`));
      assert.ok(!all.includes(wrong) && !all.includes(PASSWORD), all);
    }
    const ok = pelatod(["push", project.dir, "--json"], { env: env({ REGISTRY_URL: reg.host, REGISTRY_USER: "alice", REGISTRY_PASSWORD: PASSWORD }) });
    assert.equal(ok.code, 0, ok.stderr);
  } finally {
    await reg.stop();
    project.cleanup();
  }
});
