import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { stageImports } from "./eslint-stage-imports.js";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "**/gen/", "**/.pelato/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    // The CLI parses flags, calls the stages and prints: no stage (the daemon included) reaches up into it.
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/cli", "**/cli/**"], message: "src/cli is the outermost layer: move what is shared into the stage it belongs to." }] }],
    },
  },
  {
    // Each folder of src/ is entered through its index.ts (eslint-stage-imports.js).
    files: ["src/**/*.ts"],
    plugins: { pelato: { rules: { "stage-imports": stageImports } } },
    rules: { "pelato/stage-imports": "error" },
  },
);
