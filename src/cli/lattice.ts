import { Command, Option } from "commander";
import type { ResolvedConfig } from "../config/index.js";
import { connectNats } from "../nats/index.js";
import { WadmClient } from "../wadm/index.js";

/** Options of commands that talk to the lattice's NATS. */
export function withNatsOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--nats-url <urls>", "NATS server URLs, comma-separated (NATS_URL); overrides host and port"))
    .addOption(new Option("--timeout <ms>", "time-out of each NATS request (NATS_TIMEOUT_MS)"));
}

/** Connects to the lattice, runs `fn` with a wadm client, and always closes the connection. */
export async function withWadm<T>(config: ResolvedConfig, fn: (wadm: WadmClient) => Promise<T>): Promise<T> {
  const nc = await connectNats(config.nats);
  try {
    return await fn(new WadmClient(nc, config.lattice, config.nats.timeoutMs));
  } finally {
    await nc.close();
  }
}
