import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

// Our own trust policy, so copies work whatever /etc/containers/policy.json says.
let policy: string | undefined;
function policyFile(): string {
  if (!policy) {
    const dir = mkdtempSync(join(tmpdir(), "pelato-skopeo-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    policy = join(dir, "policy.json");
    writeFileSync(policy, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
  }
  return policy;
}

/** Runs skopeo, returning stdout; throws with skopeo's stderr. Registries are plain http. */
export async function skopeo(args: string[]): Promise<string> {
  try {
    const { stdout } = await run("skopeo", ["--policy", policyFile(), ...args], { maxBuffer: 64 << 20, env: { ...process.env, REGISTRY_AUTH_FILE: join(tmpdir(), "pelato-no-auth.json") } });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`skopeo ${args.join(" ")} failed: ${e.stderr ?? e.message}`);
  }
}

export const inspectRaw = (ref: string, creds?: string) => skopeo(["inspect", "--raw", "--tls-verify=false", ...(creds ? ["--creds", creds] : []), `docker://${ref}`]);
