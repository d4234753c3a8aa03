import { readFileSync } from "node:fs";
import { sha256 } from "../../src/build/index.js";
import { renderProject, writeGen } from "../../src/render/index.js";
import { appFromManifest, type LocalApp } from "../../src/host/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { buildDir } from "./build.js";
import { RENDER_OPTIONS } from "./fixtures.js";

/** Builds a project and returns its applications as the local host reads them. */
export async function localApps(dir: string, httpPort = 8000): Promise<Map<string, LocalApp>> {
  const built = await buildDir(dir);
  const rendered = await renderProject(await loadProject(dir), { ...RENDER_OPTIONS, httpPort });
  writeGen(rendered);
  return new Map(
    rendered.tasks.map((t) => {
      const wasm = readFileSync(built.get(t.dir)!.wasm);
      return [t.dir, appFromManifest(t.manifest, wasm, sha256(wasm))];
    }),
  );
}
