import { Command } from "commander";
import { runDaemon, withDaemonOptions, type DaemonCommandFlags } from "./watch.js";

export function serveCommand(): Command {
  return withDaemonOptions(
    new Command("serve").description("answer the NATS micro service pelato (pelato.<instance>.redeploy|status|plan|remove, signed by an allowed nkey); pelatod watch --serve also watches the files"),
  ).action((dir: string, opts: DaemonCommandFlags) => runDaemon(dir, opts, { watch: false, serve: true }));
}
