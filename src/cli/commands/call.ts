import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { resolveConfig } from "../../config/index.js";
import { ENDPOINTS, SERVICE_NAME, callService, serviceSubject, type Endpoint, type ServiceReply } from "../../daemon/index.js";
import { RuntimeFailure, UsageError } from "../../errors.js";
import { connectNats } from "../../nats/index.js";
import { outputFor, type CommonOptions } from "../context.js";
import { withNatsOptions } from "../lattice.js";

type CallFlags = CommonOptions & { nkey?: string; all?: boolean; natsUrl?: string; timeout?: string };

/** How long a redeploy may take to answer: it builds, pushes and deploys first. */
const CALL_TIMEOUT_MS = 600_000;

export function callCommand(): Command {
  return withNatsOptions(new Command("call").description("sign and send a request to a pelatod serve (pelato.<instance>.<endpoint>) and print its answer"))
    .argument("<target...>", `<instance> <${ENDPOINTS.join("|")}>, or with --all: status`)
    .addOption(new Option("--nkey <file>", "file holding your user nkey seed (SU…), one the daemon allows (PELATO_NKEY_FILE)"))
    .option("--all", "ask every pelatod instance that answers on this NATS for its status")
    .option("--json", "print one machine-readable JSON document")
    .option("-v, --verbose", "print error causes and stack traces")
    .action(async (target: string[], opts: CallFlags) => {
      const out = outputFor(opts);
      const [instance, endpoint] = opts.all ? [undefined, target[0]] : target;
      if (opts.all ? target.length !== 1 || endpoint !== "status" : target.length !== 2) throw new UsageError(opts.all ? "with --all, the only request is status: pelatod call --all status" : "expected <instance> <endpoint>");
      if (!(ENDPOINTS as readonly string[]).includes(endpoint!)) throw new UsageError(`"${endpoint}" is not an endpoint: ${ENDPOINTS.join(", ")}`);
      const seed = readSeed(opts.nkey ?? process.env.PELATO_NKEY_FILE);
      const config = resolveConfig(".", opts);
      const nc = await connectNats(config.nats);
      try {
        if (!opts.all) {
          const reply = await callService(nc, serviceSubject(instance!, endpoint as Endpoint), seed, {}, CALL_TIMEOUT_MS).catch((err: Error) => {
            throw new RuntimeFailure(`no answer from pelato.${instance}.${endpoint}: ${err.message}`, { cause: err });
          });
          if (!reply.ok) throw new RuntimeFailure(`pelato.${instance}.${endpoint} refused: ${reply.code ?? ""} ${reply.error ?? ""}`.trim());
          out.result({ instance, endpoint, ...reply }, JSON.stringify(reply.result, null, 2));
          return;
        }
        const instances = await discover(nc, config.nats.timeoutMs);
        const answers = await Promise.all(
          instances.map(async (i) => ({ ...i, reply: await callService(nc, serviceSubject(i.instance, "status"), seed, {}, config.nats.timeoutMs).catch((err: Error): ServiceReply => ({ ok: false, error: err.message })) })),
        );
        out.result({ instances: answers }, answers.map(describe).join("\n") || "no pelatod instance answered");
      } finally {
        await nc.close();
      }
    });
}

function readSeed(file: string | undefined): string {
  if (!file) throw new UsageError("--nkey <file> (or PELATO_NKEY_FILE) is required: the service answers signed requests only");
  let seed: string;
  try {
    seed = readFileSync(file, "utf8").trim();
  } catch {
    throw new UsageError(`--nkey: cannot read ${file}`);
  }
  if (!/^SU[A-Z2-7]{56}$/.test(seed)) throw new UsageError(`--nkey: ${file} does not hold a user nkey seed (SU followed by 56 base32 characters)`);
  return seed;
}

/** Every `pelato` service on this NATS, through the micro-service discovery subjects ($SRV.INFO). */
async function discover(nc: Awaited<ReturnType<typeof connectNats>>, timeoutMs: number): Promise<{ instance: string; project: string }[]> {
  const { Svcm } = await import("@nats-io/services");
  const found = new Map<string, string>();
  for await (const info of await new Svcm(nc as never).client({ strategy: "timer", maxWait: timeoutMs }).info(SERVICE_NAME)) {
    const instance = info.metadata?.instance;
    if (instance) found.set(instance, info.metadata?.project ?? "");
  }
  return [...found].sort().map(([instance, project]) => ({ instance, project }));
}

function describe(a: { instance: string; project: string; reply: ServiceReply }): string {
  if (!a.reply.ok) return `${a.instance} (${a.project}): ${a.reply.code ?? ""} ${a.reply.error ?? ""}`.trim();
  const r = a.reply.result as { apps?: Record<string, { version?: string }>; last?: { outcome?: string; at?: string } | null };
  const versions = Object.entries(r.apps ?? {}).map(([app, s]) => `${app} ${s.version ?? "?"}`).join(", ");
  return `${a.instance} (${a.project}): ${versions || "nothing deployed"}; last cycle ${r.last?.outcome ?? "none"}`;
}
