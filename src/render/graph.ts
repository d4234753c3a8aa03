import { crossingTopics, HUB_TIER, type Crossing, type Project, type Task } from "../workflow/index.js";
import { TEMPLATES } from "./templates.js";

export type GraphFormat = "mermaid" | "dot";

/** Marks a producer's edge to a topic that crosses to the hub through JetStream. */
export const STORE_AND_FORWARD_LABEL = "store-and-forward";

interface Edge {
  from: string;
  to: string;
  label?: string;
}
interface PipelineGraph {
  nodes: { id: string; label: string; kind: "task" | "topic" | "http" | "bucket" | "table" }[];
  edges: Edge[];
  crossings: Crossing[];
}

/** The pipeline as data: tasks, the topics joining them, HTTP inputs, KV buckets, PostgreSQL tables, and the topics crossing to the hub. */
export function pipelineGraph(project: Project, httpPort = 8000, hubTier = HUB_TIER): PipelineGraph {
  const nodes: PipelineGraph["nodes"] = [];
  const edges: Edge[] = [];
  const crossings = crossingTopics(project, hubTier);
  const crossing = (task: Task) => crossings.find((c) => c.topic === task.dest_topic && c.producers.includes(task.name));
  const ids = new Map<string, string>();
  const node = (key: string, kind: PipelineGraph["nodes"][number]["kind"], label: string) => {
    let id = ids.get(`${kind}:${key}`);
    if (!id) {
      id = `${kind}${ids.size}`;
      ids.set(`${kind}:${key}`, id);
      nodes.push({ id, label, kind });
    }
    return id;
  };
  project.tasks.forEach((task: Task) => {
    const t = node(task.component_name, "task", `${task.name}\n${task.type} @ ${task.targets.join(", ")}`);
    if (TEMPLATES[task.type].http) edges.push({ from: node(`http:${task.component_name}`, "http", `HTTP POST :${httpPort}`), to: t });
    if (task.source_topic !== undefined) edges.push({ from: node(task.source_topic, "topic", task.source_topic), to: t });
    if (task.dest_topic !== undefined) {
      const edge: Edge = { from: t, to: node(task.dest_topic, "topic", task.dest_topic) };
      const c = crossing(task);
      edges.push(c ? { ...edge, label: `${STORE_AND_FORWARD_LABEL}\nkeeps ${age(c.limits.maxAgeSeconds)}, ${size(c.limits.maxBytes)}` } : edge);
    }
    if (task.bucket !== undefined) edges.push({ from: t, to: node(task.bucket, "bucket", `KV ${task.bucket}`) });
    if (task.table !== undefined) edges.push({ from: t, to: node(task.table.toLowerCase(), "table", `PostgreSQL ${task.table.toLowerCase()}`), ...(task.key !== undefined ? { label: `upsert on ${task.key.toLowerCase()}` } : {}) });
  });
  return { nodes, edges, crossings };
}

function age(seconds: number): string {
  for (const [unit, n] of [["d", 86_400], ["h", 3600], ["min", 60]] as const) if (seconds % n === 0) return `${seconds / n} ${unit}`;
  return `${seconds} s`;
}

function size(bytes: number): string {
  for (const [unit, n] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) if (bytes % n === 0) return `${bytes / n} ${unit}`;
  return `${bytes} bytes`;
}

export function renderGraph(graph: PipelineGraph, format: GraphFormat): string {
  return format === "dot" ? toDot(graph) : toMermaid(graph);
}

function toMermaid(g: PipelineGraph): string {
  const shape = { task: ['["', '"]'], topic: ['(["', '"])'], http: ['[/"', '"/]'], bucket: ['[("', '")]'], table: ['[("', '")]'] } as const;
  const lines = ["flowchart LR"];
  for (const n of g.nodes) lines.push(`  ${n.id}${shape[n.kind][0]}${mermaidText(n.label)}${shape[n.kind][1]}`);
  for (const e of g.edges) lines.push(`  ${e.from} -->${e.label ? `|"${mermaidText(e.label)}"|` : ""} ${e.to}`);
  return `${lines.join("\n")}\n`;
}

// Mermaid reads entity codes inside quoted labels; nothing a user writes can close the label.
function mermaidText(s: string): string {
  return s.replace(/[#"<>&`]/g, (c) => `#${c.codePointAt(0)};`).replace(/\n/g, "<br/>");
}

function toDot(g: PipelineGraph): string {
  const shape = { task: "box", topic: "ellipse", http: "parallelogram", bucket: "cylinder", table: "cylinder" } as const;
  const lines = ["digraph pipeline {", "  rankdir=LR;"];
  for (const n of g.nodes) lines.push(`  ${n.id} [shape=${shape[n.kind]}, label=${dotText(n.label)}];`);
  for (const e of g.edges) lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label=${dotText(e.label)}${e.label.startsWith(STORE_AND_FORWARD_LABEL) ? ", style=dashed" : ""}]` : ""};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function dotText(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\r?\n/g, "\\n")}"`;
}
