import { readFileSync, realpathSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse } from "dotenv";

/** One `.env` file: its label (its path from the project, as errors name it), its text (for line numbers) and values. */
export interface Dotenv {
  label: string;
  text: string;
  values: Record<string, string>;
}

/**
 * The `.env` files a project's settings come from, the one that wins first: the project's own,
 * then the working directory's (where the original PELATO kept it) when that is another folder.
 */
export function readDotenvs(projectDir: string, cwd: string = process.cwd()): Dotenv[] {
  const project = join(projectDir, ".env");
  const working = join(cwd, ".env");
  const files = [{ label: ".env", path: project }];
  if (same(resolve(projectDir), resolve(cwd)) === false) files.push({ label: relative(resolve(projectDir), working) || ".env", path: working });
  return files.flatMap(({ label, path }) => {
    try {
      const text = readFileSync(path, "utf8");
      return [{ label, text, values: parse(text) }];
    } catch {
      return [];
    }
  });
}

function same(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}
