import { startNats, startWadm, type NatsServer } from "../../helpers/servers.js";
import { startRestartableRegistry, type RestartableRegistry } from "./restartable-registry.js";

/** What a daemon in lattice mode talks to, short of a wasmCloud host: nats-server, wadm and a registry that can be stopped and started. */
export interface LatticeServices {
  nats: NatsServer;
  registry: RestartableRegistry;
  stop(): Promise<void>;
}

export async function startLatticeServices(): Promise<LatticeServices> {
  const nats = await startNats();
  try {
    const [wadm, registry] = await Promise.all([startWadm(nats), startRestartableRegistry()]);
    return {
      nats,
      registry,
      async stop() {
        await wadm.stop();
        await nats.stop();
        await registry.destroy();
      },
    };
  } catch (err) {
    await nats.stop();
    throw err;
  }
}
