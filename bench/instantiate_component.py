"""bench/instantiate's engine side: times instantiating components under the real wasmtime
engine (PyPI `wasmtime`), a fresh store each time, as wasmCloud does for every invocation.

argv: runs, then wasm paths. stdout: {"<path>": {"median_ms": m, "p90_ms": p, "min_ms": n}}
"""
import json
import sys
import time

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Linker


def linker_for(engine):
    linker = Linker(engine)
    linker.add_wasip2()
    linker.add_wasi_http()
    with linker.root() as root:
        with root.add_instance("wasmcloud:messaging/consumer@0.2.0") as consumer:
            consumer.add_func("publish", lambda _store, msg: None)
            consumer.add_func("request", lambda _store, subject, body, timeout: "no responders")
        with root.add_instance("wasi:config/runtime@0.2.0-draft") as cfg:
            cfg.add_func("get", lambda _store, key: None)
            cfg.add_func("get-all", lambda _store: [])
        with root.add_instance("wasi:logging/logging@0.1.0-draft") as lg:
            lg.add_func("log", lambda _store, level, ctx, msg: None)
    return linker


def main():
    runs = int(sys.argv[1])
    out = {}
    engine = Engine()
    linker = linker_for(engine)
    for path in sys.argv[2:]:
        component = Component.from_file(engine, path)
        times = []
        for i in range(runs + 20):
            store = Store(engine)
            store.set_wasi(WasiConfig())
            store.set_wasi_http()
            t0 = time.perf_counter()
            linker.instantiate(store, component)
            if i >= 20:
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[path] = {"median_ms": round(times[len(times) // 2], 3), "p90_ms": round(times[int(len(times) * 0.9)], 3), "min_ms": round(times[0], 3)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
