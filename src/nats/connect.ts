import { readFileSync } from "node:fs";
import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { redactUserinfo, type NatsSettings } from "../config/index.js";
import { InputError, RuntimeFailure } from "../errors.js";

/** The one place NATS connection options are built from configuration. */
export function connectionOptions(s: NatsSettings, name = "pelatod"): ConnectionOptions {
  const opts: ConnectionOptions = {
    servers: s.servers,
    name,
    timeout: s.timeoutMs,
    // Keep trying across server restarts, backing off up to a few seconds between attempts.
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 250,
    ...(s.user !== undefined ? { user: s.user, pass: s.password?.reveal() ?? "" } : {}),
    ...(s.token !== undefined ? { token: s.token.reveal() } : {}),
  };
  if (s.credsFile) opts.authenticator = credsAuthenticator(readSecretFile(s.credsFile, "NATS_CREDS"));
  else if (s.nkeyFile) opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(new TextDecoder().decode(readSecretFile(s.nkeyFile, "NATS_NKEY")).trim()));
  if (s.tls) opts.tls = { ...(s.tls.ca ? { caFile: s.tls.ca } : {}), ...(s.tls.cert ? { certFile: s.tls.cert } : {}), ...(s.tls.key ? { keyFile: s.tls.key } : {}) };
  return opts;
}

/** Connects, or fails with an error that names the servers (never the credentials). */
export async function connectNats(s: NatsSettings, name?: string): Promise<NatsConnection> {
  try {
    return await connect(connectionOptions(s, name));
  } catch (err) {
    const why = (err as Error).message.replace(/\s+/g, " ");
    throw new RuntimeFailure(redactUserinfo(`cannot connect to NATS at ${s.servers.join(", ")}: ${why}`), { cause: err });
  }
}

function readSecretFile(path: string, variable: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    throw new InputError([{ file: "environment", message: `${variable}: cannot read ${path}` }]);
  }
}
