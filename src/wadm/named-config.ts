import type { NatsConnection } from "@nats-io/nats-core";
import { RuntimeFailure } from "../errors.js";

/**
 * Puts a named config into the lattice through the hosts' control interface (what `wash config
 * put` does), for a value a manifest must not carry: the manifest names the config, the hosts
 * read it from the lattice's config store. The values never appear in an error.
 */
export async function putNamedConfig(nc: NatsConnection, lattice: string, name: string, values: Record<string, string>, timeoutMs: number): Promise<void> {
  let reply;
  try {
    reply = await nc.request(`wasmbus.ctl.v1.${lattice}.config.put.${name}`, JSON.stringify(values), { timeout: timeoutMs });
  } catch (err) {
    throw new RuntimeFailure(`no wasmCloud host of lattice "${lattice}" answered the config put of ${name} within ${timeoutMs / 1000} s (${(err as Error).message}); nothing was deployed`, { cause: err });
  }
  const answer = (() => {
    try {
      return JSON.parse(reply.string()) as { success?: boolean; message?: string };
    } catch {
      return { success: false, message: "the answer was not JSON" };
    }
  })();
  if (!answer.success) throw new RuntimeFailure(`lattice "${lattice}" refused the config ${name}: ${answer.message ?? "no reason given"}; nothing was deployed`);
}

/** Deletes a named config put by putNamedConfig (a secret no application needs any more); one that is not there is no error. */
export async function deleteNamedConfig(nc: NatsConnection, lattice: string, name: string, timeoutMs: number): Promise<void> {
  try {
    await nc.request(`wasmbus.ctl.v1.${lattice}.config.del.${name}`, "", { timeout: timeoutMs });
  } catch (err) {
    throw new RuntimeFailure(`no wasmCloud host of lattice "${lattice}" answered the deletion of config ${name} within ${timeoutMs / 1000} s (${(err as Error).message})`, { cause: err });
  }
}
