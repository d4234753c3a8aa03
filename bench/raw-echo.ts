// bench/host's baseline, in a process of its own as the local host is: a plain Node NATS echo.
import { connect } from "@nats-io/transport-node";

const nc = await connect({ servers: process.argv[2]! });
nc.subscribe("raw.in", { callback: (_e, m) => (nc.publish("raw.out", m.data), m.reply ? void m.respond(m.data) : undefined) });
await nc.flush();
process.send!("ready");
process.on("disconnect", () => void nc.close().finally(() => process.exit(0)));
