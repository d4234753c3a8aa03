import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from "yaml";
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

export function parseYamlSource(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
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
  return { source: { file, doc, value: doc.toJS({ maxAliasCount: 100 }), locate, locateKey, sourceText }, diagnostics };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
