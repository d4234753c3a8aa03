import type { Project, Task } from "../../src/workflow/index.js";
import type { RenderOptions } from "../../src/render/index.js";
import { DEFAULT_PROVIDER_IMAGES } from "../../src/render/index.js";

export const UNARY_SOURCE = "package main\n\nfunc exec_task(arg string) string { return arg }\n";

export function task(over: Partial<Task> = {}): Task {
  return {
    name: "Task",
    type: "processor_nats",
    code: "t.go",
    codePath: "tasks/t.go",
    source: UNARY_SOURCE,
    signature: "unary",
    imports: [],
    targets: ["edge"],
    source_topic: "in",
    dest_topic: "out",
    component_name: "comp",
    version: "1.0.0",
    ...over,
  };
}

export function project(tasks: Task[], over: Partial<Project> = {}): Project {
  return { dir: "/nonexistent", name: "Project", tasks, ...over };
}

export const RENDER_OPTIONS: RenderOptions = { registry: "localhost:5000", httpPort: 8000, providers: { ...DEFAULT_PROVIDER_IMAGES } };
