import { GoToolchain } from "./go-toolchain.js";
import { findTinygoImage } from "./tinygo-image.js";
import { TinygoToolchain } from "./tinygo-toolchain.js";
import type { Toolchain, ToolchainChoice } from "./toolchain.js";

export interface ToolchainPick {
  /** false: a `tinygo` on PATH instead of the pinned container. Default: true. */
  container?: boolean;
  /** For mainline Go (go-toolchain.ts). Default: true. */
  preinitialize?: boolean;
}

/**
 * go: mainline Go on this machine. tinygo: TinyGo in the pinned container, or the `tinygo` on
 * PATH with container false. auto: the tinygo container when its image is present (components
 * a tenth to a twentieth the size, built the way wasmCloud builds Go), else go; without the
 * container, a tinygo on PATH, else go. The CLI and the daemon both choose here.
 */
export async function pickToolchain(name: ToolchainChoice, o: ToolchainPick = {}): Promise<Toolchain> {
  const go = () => new GoToolchain({ preinitialize: o.preinitialize ?? true });
  const container = o.container ?? true;
  if (name === "go") return go();
  if (name === "tinygo") return new TinygoToolchain({ container });
  if (!container) {
    const { execa } = await import("execa");
    const local = await execa("tinygo", ["version"], { reject: false });
    return local.exitCode === 0 ? new TinygoToolchain({ container: false }) : go();
  }
  const image = await findTinygoImage();
  return image ? new TinygoToolchain({ engine: image.engine, image: image.tag }) : go();
}
