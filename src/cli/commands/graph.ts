import { Command, Option } from "commander";
import { pipelineGraph, renderGraph, type GraphFormat } from "../../render/index.js";
import { hubOf } from "../../sites.js";
import { loadProjectAndConfig, outputFor, withCommonOptions, type CommonOptions } from "../context.js";

export function graphCommand(): Command {
  return withCommonOptions(new Command("graph").description("print the pipeline (tasks, topics, targets) as Mermaid or DOT"))
    .addOption(new Option("--format <format>", "graph language").choices(["mermaid", "dot"]).default("mermaid"))
    .action(async (dir: string, opts: CommonOptions & { format: GraphFormat }) => {
      const out = outputFor(opts);
      const { project, config } = await loadProjectAndConfig(dir, opts, out);
      // The hub of PELATO_SITES when given (it need not be a `cloud` site), else `cloud`.
      const graph = pipelineGraph(project, config.httpPort, config.sites ? hubOf(config.sites).tier : undefined);
      const text = renderGraph(graph, opts.format);
      out.result({ format: opts.format, graph: text, nodes: graph.nodes, edges: graph.edges, crossings: graph.crossings }, text);
    });
}
