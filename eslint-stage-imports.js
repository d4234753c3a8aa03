// A local eslint rule: a file in one stage of src/ (src/<stage>/...) enters another stage only
// through its index.ts, so each folder's index is its whole public surface. Imports within a
// stage, and of the shared top-level modules (src/errors.ts, src/paths.ts, ...), are free.
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "src");

function stageOf(file) {
  const rel = relative(SRC, file);
  if (rel.startsWith("..")) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : ""; // "" : a top-level module of src/
}

export const stageImports = {
  meta: { type: "problem", messages: { deep: "{{target}} is inside the {{stage}} stage: import it from {{stage}}/index.js" }, schema: [] },
  create(context) {
    const from = context.filename;
    const fromStage = stageOf(from);
    if (fromStage === undefined) return {};
    const check = (node, spec) => {
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = resolve(dirname(from), spec);
      const stage = stageOf(target);
      if (!stage || stage === fromStage) return;
      if (relative(resolve(SRC, stage), target) === "index.js") return;
      context.report({ node, messageId: "deep", data: { target: relative(SRC, target), stage } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
    };
  },
};
