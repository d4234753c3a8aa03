import { Command, Option } from "commander";
import { resolve } from "node:path";
import type { NatsConnection } from "@nats-io/nats-core";
import { resolveConfig } from "../../config/index.js";
import { RuntimeFailure } from "../../errors.js";
import { readUpState } from "../../host/index.js";
import { connectNats } from "../../nats/index.js";
import { TEMPLATES } from "../../render/index.js";
import { downstreamOfHttp, downstreamTopics, loadProject, type TemplateName } from "../../workflow/index.js";
import { outputFor } from "../context.js";
import { wholeNumberOption } from "../numeric-option.js";

interface SendFlags {
  json?: boolean;
  verbose?: boolean;
  listen?: string[];
  count?: number;
  wait: boolean;
  timeout: number;
}

export function sendCommand(): Command {
  return new Command("send")
    .description("publish a message to a topic (or POST it to an HTTP producer's URL) and print what arrives downstream")
    .argument("<target>", "a NATS topic, or http://host:port/path of an HTTP producer")
    .argument("<payload>", "the message body, e.g. '{\"Data\":21.5}'")
    .argument("[dir]", "project folder: its running `pelatod up` and its pipeline", ".")
    .addOption(new Option("--listen <topic...>", "topics to print instead of those downstream in the workflow"))
    .addOption(wholeNumberOption("--count <n>", "stop after this many messages arrived", 1, 1_000_000_000))
    .option("--no-wait", "publish and return at once")
    .addOption(wholeNumberOption("--timeout <seconds>", "how long to listen", 1, 86_400).default(5))
    .option("--json", "print one machine-readable JSON document")
    .action(async (target: string, payload: string, dir: string, opts: SendFlags) => {
      const out = outputFor(opts);
      const http = /^https?:\/\//.test(target);
      const listen = opts.wait ? (opts.listen ?? (await downstream(dir, target, http))) : [];
      const up = readUpState(resolve(dir));
      const config = resolveConfig(dir, {});
      const nc = await connectNats(up ? { ...config.nats, servers: [up.natsUrl] } : config.nats, "pelatod-send");
      try {
        const arrived = await listenWhile(nc, listen, opts, async () => {
          if (!http) return void nc.publish(target, payload);
          const r = await fetch(target, { method: "POST", body: payload }).catch((err: Error) => {
            throw new RuntimeFailure(`cannot POST to ${target}: ${err.message}`);
          });
          out.progress(`HTTP ${r.status} ${(await r.text()).trim()}`);
        });
        const text = listen.length === 0 ? `sent to ${target}` : arrived.length === 0 ? `nothing arrived on ${listen.join(", ")} within ${opts.timeout} s` : arrived.map((a) => `${out.color.cyan(a.topic)}: ${a.payload}`).join("\n");
        out.result({ target, listened: listen, arrived }, text);
      } finally {
        await nc.close();
      }
    });
}

async function downstream(dir: string, target: string, http: boolean): Promise<string[]> {
  const project = await loadProject(dir);
  return http ? downstreamOfHttp(project, (t) => TEMPLATES[t as TemplateName].http) : downstreamTopics(project, target);
}

async function listenWhile(nc: NatsConnection, topics: string[], opts: SendFlags, send: () => Promise<void>): Promise<{ topic: string; payload: string }[]> {
  const arrived: { topic: string; payload: string }[] = [];
  const limit = opts.count ?? Infinity;
  let done = () => {};
  const finished = new Promise<void>((r) => (done = r));
  const subs = topics.map((t) =>
    nc.subscribe(t, {
      callback: (_e, m) => {
        arrived.push({ topic: m.subject, payload: m.string() });
        if (arrived.length >= limit) done();
      },
    }),
  );
  await nc.flush();
  await send();
  await nc.flush();
  if (topics.length > 0) await Promise.race([finished, new Promise((r) => setTimeout(r, opts.timeout * 1000))]);
  subs.forEach((s) => s.unsubscribe());
  return arrived;
}
