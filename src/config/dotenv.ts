import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "dotenv";

/** The project's `.env`: its text (for line numbers in errors) and its values; empty when there is none. */
export function readDotenv(projectDir: string): { text: string; values: Record<string, string> } {
  try {
    const text = readFileSync(join(projectDir, ".env"), "utf8");
    return { text, values: parse(text) };
  } catch {
    return { text: "", values: {} };
  }
}
