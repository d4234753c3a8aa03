import { LineCounter, parseDocument, isMap, isPair, isScalar, visit, type Document, type Node } from "yaml";
import type { Diagnostic } from "../errors.js";

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file that can tell where any value in it stands. */
export interface YamlSource {
  file: string;
  doc: Document;
  value: unknown;
  /** Line and column (1-based) of the value at `path`, or of its nearest existing parent. */
  locate(path: YamlPath): { line: number; col: number };
  /** Line and column of the key `key` in the map at `path`, when it is there. */
  locateKey(path: YamlPath, key: string): { line: number; col: number } | undefined;
  /** The text of the value at `path` as the user wrote it. */
  sourceText(path: YamlPath): string | undefined;
}

/** Control characters a text file has no business holding (tab, line feed and carriage return are fine). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Aliases a workflow may expand: it needs none, and "billion laughs" files need millions. */
export const MAX_ALIAS_COUNT = 100;

export function parseYamlSource(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const control = CONTROL.exec(text);
  if (control) {
    const before = text.slice(0, control.index).split("\n");
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return { diagnostics: [{ file, line: before.length, col: before.at(-1)!.length + 1, message: `a control character (U+${code}): a workflow file holds text only` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // Only the first syntax error: the ones after it are mostly echoes of the same mistake.
  const diagnostics: Diagnostic[] = doc.errors.slice(0, 1).map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, line: pos.line, col: pos.col, message: firstLine(e.message) };
  });
  if (diagnostics.length > 0) return { diagnostics };

  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const locate = (path: YamlPath) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && typeof node === "object" && node.range) return at(node.range[0]);
    }
    return { line: 1, col: 1 };
  };
  const locateKey = (path: YamlPath, key: string) => {
    const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (!isMap(map)) return undefined;
    for (const item of map.items) {
      if (isPair(item) && isScalar(item.key) && item.key.value === key && item.key.range) return at(item.key.range[0]);
    }
    return undefined;
  };
  const sourceText = (path: YamlPath) => {
    const node = doc.getIn(path, true) as Node | undefined;
    return node && typeof node === "object" && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml library refuses alias bombs ("Excessive alias count"); point at the first alias.
    let first: Node | undefined;
    visit(doc, { Alias: (_key, node) => void (first ??= node) });
    const where = first?.range ? at(first.range[0]) : { line: 1, col: 1 };
    return { diagnostics: [{ file, ...where, message: `the aliases (*name) expand too far: ${firstLine((err as Error).message)}; a workflow needs no more than ${MAX_ALIAS_COUNT}` }] };
  }
  return { source: { file, doc, value, locate, locateKey, sourceText }, diagnostics };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
