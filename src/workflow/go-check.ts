import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { RuntimeFailure } from "../errors.js";
import { TOOLCHAIN_DIR, cacheDir } from "../paths.js";

export interface GoFileReport {
  file: string;
  package?: string;
  errors: { line: number; col: number; message: string }[];
  execTask?: { line: number; col: number; params: string[]; results: string[] };
  main?: { line: number; col: number };
}

const HELPER_SOURCES = ["main.go", "go.mod"];

/** Parses Go files with go/parser (through toolchain/gocheck, built once per machine). */
export async function checkGoFiles(files: readonly string[]): Promise<GoFileReport[]> {
  if (files.length === 0) return [];
  const helper = await gocheckBinary();
  const { stdout } = await execa(helper, [...files]);
  return JSON.parse(stdout) as GoFileReport[];
}

async function gocheckBinary(): Promise<string> {
  const src = join(TOOLCHAIN_DIR, "gocheck");
  const hash = createHash("sha256");
  for (const f of HELPER_SOURCES) hash.update(readFileSync(join(src, f)));
  const binDir = join(cacheDir(), "bin");
  const bin = join(binDir, `gocheck-${hash.digest("hex").slice(0, 12)}`);
  if (existsSync(bin)) return bin;

  mkdirSync(binDir, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  // Built for the machine we run on, whatever GOOS/GOARCH the caller's shell exports.
  const env = { ...process.env, GOOS: "", GOARCH: "", CGO_ENABLED: "0", GOFLAGS: "" };
  try {
    await execa("go", ["build", "-o", tmp, "."], { cwd: src, env });
  } catch (err) {
    const reason = (err as { code?: string }).code === "ENOENT" ? "the Go toolchain (go) is not on PATH" : String((err as Error).message);
    throw new RuntimeFailure(`cannot build the Go syntax checker: ${reason}`, { cause: err });
  }
  renameSync(tmp, bin); // atomic: a concurrent pelatod sees either no binary or a whole one
  return bin;
}
