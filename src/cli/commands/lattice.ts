import { Command, Option } from "commander";
import { outputFor } from "../context.js";
import { resolveConfig } from "../../config/index.js";
import { wholeNumberOption } from "../numeric-option.js";

interface LatticeFlags {
  hosts: string;
  natsPort?: number;
  registryPort?: number;
  heartbeat?: number;
  cleanup?: number;
  lattice?: string;
  json?: boolean;
}

export function latticeCommand(): Command {
  const lattice = new Command("lattice").description("a real wasmCloud lattice on this machine, for trying pelatod against wadm and wasmCloud hosts");
  lattice
    .command("up")
    .description("start NATS (JetStream), wadm, an OCI registry and one wasmCloud host per label on loopback; Ctrl-C stops them all")
    .addOption(new Option("--hosts <labels>", "host-type label of each host, comma-separated").default("edge,cloud"))
    .addOption(wholeNumberOption("--nats-port <port>", "NATS port (default: a free one)", 1, 65_535))
    .addOption(wholeNumberOption("--registry-port <port>", "registry port (default: a free one)", 1, 65_535))
    .addOption(wholeNumberOption("--heartbeat <seconds>", "host heartbeat interval (wasmCloud's default: 30)", 1, 3600))
    .addOption(wholeNumberOption("--cleanup <seconds>", "wadm's cleanup interval for silent hosts (wadm's default: 70)", 1, 86_400))
    .addOption(new Option("--lattice <name>", "lattice name (PELATO_LATTICE)"))
    .option("--json", "print where things listen as one JSON document")
    .action(async (opts: LatticeFlags) => {
      const out = outputFor(opts);
      const { startLattice } = await import("../../lattice/index.js");
      const config = resolveConfig(process.cwd(), { ...(opts.lattice ? { lattice: opts.lattice } : {}) });
      const running = await startLattice({
        hosts: opts.hosts.split(",").map((h) => h.trim()).filter(Boolean),
        lattice: config.lattice,
        ...(opts.natsPort ? { natsPort: opts.natsPort } : {}),
        ...(opts.registryPort ? { registryPort: opts.registryPort } : {}),
        ...(opts.heartbeat ? { heartbeatSeconds: opts.heartbeat } : {}),
        ...(opts.cleanup ? { cleanupSeconds: opts.cleanup } : {}),
        onProgress: (l) => out.progress(out.color.dim(l)),
      });
      const env = { NATS_URL: running.natsUrl, PELATO_PROVIDER_NATS_URL: running.natsUrl, REGISTRY_URL: running.registry, PELATO_PROVIDERS: "builtin", PELATO_LATTICE: running.lattice };
      out.result(
        { ...env, hosts: running.hosts.map((h) => ({ label: h.label, id: h.id, pid: h.service.pid })), logs: running.dir },
        [
          `${out.color.green("lattice up")}: ${running.lattice}`,
          `  NATS      ${running.natsUrl}`,
          `  registry  ${running.registry} (plain http)`,
          ...running.hosts.map((h) => `  host      ${h.label} ${out.color.dim(h.id)}`),
          `  logs      ${running.dir}`,
          "use it from another shell:",
          `  export ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}`,
          "  pelatod brush <project>",
          "Ctrl-C stops everything",
        ].join("\n"),
      );
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        out.progress("stopping the lattice…");
        await running.stop();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
      await new Promise(() => {});
    });
  return lattice;
}
