// The toolbox process: builds and pushes (jco and binaryen take some 60 MB to load, and a
// componentize peaks at a few hundred) in a child of the daemon, so that the memory goes back
// to the system when it exits. See toolbox.ts.
import { readFile } from "node:fs/promises";
import type { Toolchain } from "../../build/index.js";
import { Secret } from "../../config/index.js";
import { InputError } from "../../errors.js";
import type { FromWorker, ToWorker, WireBuildResult } from "./toolbox-protocol.js";

const send = (m: FromWorker) => process.send!(m);
const aborts = new Map<number, AbortController>();
let toolchain: Promise<Toolchain> | undefined;

process.on("message", (m: ToWorker) => {
  if (m.type === "abort") return void aborts.get(m.id)?.abort();
  void handle(m).then(send, (err: Error) => send({ type: "failed", id: m.id, message: err.message }));
});
// The daemon is gone (even by kill -9): stop, and let execa end the compilers.
process.on("disconnect", () => {
  for (const c of aborts.values()) c.abort();
  setTimeout(() => process.exit(0), 2000).unref();
});

async function handle(m: Exclude<ToWorker, { type: "abort" }>): Promise<FromWorker> {
  if (m.type === "push") {
    const { pushBuilt } = await import("../../pipeline/index.js");
    const { password, ...rest } = m.registry;
    const report = await pushBuilt([m.task], [m.built], { registry: { ...rest, ...(password !== undefined ? { password: new Secret(password) } : {}) }, projectDir: m.projectDir });
    return { type: "pushed", id: m.id, report };
  }
  const [{ buildTasks }, { pickToolchain }] = await Promise.all([import("../../pipeline/index.js"), import("../../build/index.js")]);
  toolchain ??= pickToolchain(m.toolchain, { container: m.container, preinitialize: !m.forLocalHost }); // one choice per daemon
  const controller = new AbortController();
  aborts.set(m.id, controller);
  try {
    const results = await buildTasks(m.rendered, m.genDir, { toolchain: await toolchain, parallel: m.parallel, signal: controller.signal });
    if (m.forLocalHost) {
      const { prepareComponent } = await import("../../host/index.js");
      for (const r of results) if (r.ok) await prepareComponent(new Uint8Array(await readFile(r.wasm)), r.digest);
    }
    const wire = results.map((r): WireBuildResult => (r.ok ? r : { component: r.component, ok: false, error: { message: r.error.message, ...(r.error instanceof InputError ? { diagnostics: [...r.error.diagnostics] } : {}) } }));
    return { type: "built", id: m.id, results: wire };
  } finally {
    aborts.delete(m.id);
  }
}
