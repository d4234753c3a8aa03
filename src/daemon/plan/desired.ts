import { imageRef, type RenderedProject } from "../../render/index.js";
import type { DesiredApp } from "../types.js";

/** What the rendered project wants deployed; `registry` only where hosts pull images. */
export function desiredApps(rendered: RenderedProject, registry?: string): DesiredApp[] {
  return rendered.tasks.map((t) => ({
    name: t.dir,
    version: t.version,
    sourceDigest: t.sourceDigest,
    codePath: t.task.codePath,
    ...(registry !== undefined ? { image: imageRef(registry, t.task) } : {}),
  }));
}
