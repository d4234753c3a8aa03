import { Command } from "commander";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { EXAMPLES_DIR, PROJECT_STATE_DIR } from "../../paths.js";
import { outputFor } from "../context.js";

const SAMPLE = "temperature";

export function initCommand(): Command {
  return new Command("init")
    .description("create a working sample project (an HTTP producer and a filter) in dir")
    .argument("[dir]", "folder to create the project in", ".")
    .option("--json", "print one machine-readable JSON document")
    .action((dir: string, opts: { json?: boolean }) => {
      const out = outputFor(opts);
      const target = resolve(dir);
      if (existsSync(join(target, "workflow.yaml")) || existsSync(join(target, "tasks"))) {
        throw new UsageError(`${join(dir, "workflow.yaml")} or tasks/ already exists; init never overwrites a project`);
      }
      mkdirSync(target, { recursive: true });
      cpSync(join(EXAMPLES_DIR, SAMPLE, "workflow.yaml"), join(target, "workflow.yaml"));
      cpSync(join(EXAMPLES_DIR, SAMPLE, "tasks"), join(target, "tasks"), { recursive: true });
      if (!existsSync(join(target, ".gitignore"))) writeFileSync(join(target, ".gitignore"), `gen/\n${PROJECT_STATE_DIR}/\nmetrics.yaml\n`);
      // The project's modules: `go get <module>@<version>` here adds one, pinned in go.sum.
      if (!existsSync(join(target, "go.mod"))) writeFileSync(join(target, "go.mod"), `module pelato.local/${moduleName(basename(target))}\n\ngo 1.24\n`);
      if (!existsSync(join(target, "go.sum"))) writeFileSync(join(target, "go.sum"), "");
      const files = ["workflow.yaml", "tasks/convert.go", "tasks/filter.go", ".gitignore", "go.mod", "go.sum"];
      out.result({ dir: target, files }, `created a sample project in ${dir}:\n${files.map((f) => `  ${f}`).join("\n")}\nnext: pelatod validate ${dir} && pelatod gen ${dir} (a Go library: go get <module>@<version> in ${dir})`);
    });
}

/** A module path element from the folder's name: a letter first, no dots at its ends, never the tasks' own `task`. */
function moduleName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9_-]/g, "_").replace(/^[^a-z]+/, "");
  return name === "" || name === "task" ? "project" : name;
}
