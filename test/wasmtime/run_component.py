"""Runs a pelato messaging component under the real wasmtime engine (PyPI `wasmtime`).

stdin: {"wasm": path, "config": {...}, "messages": [{"subject": s, "body": text}]}
stdout: {"results": [{"error": str|null, "published": [[subject, body, reply_to], ...]}], "logs": [...]}
"""
import json
import sys

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Linker, Record

HANDLER = "wasmcloud:messaging/handler@0.2.0"


def main():
    job = json.load(sys.stdin)
    published, logs = [], []
    config = job["config"]
    engine = Engine()
    linker = Linker(engine)
    linker.add_wasip2()
    linker.add_wasi_http()  # the HTTP producer's world imports wasi:http/types
    with linker.root() as root:
        with root.add_instance("wasmcloud:messaging/consumer@0.2.0") as consumer:
            def publish(_store, msg):
                published.append([msg.subject, bytes(msg.body).decode(), getattr(msg, "reply-to")])
                return None
            consumer.add_func("publish", publish)
            consumer.add_func("request", lambda _store, subject, body, timeout: "no responders")
        with root.add_instance("wasi:config/runtime@0.2.0-draft") as cfg:
            cfg.add_func("get", lambda _store, key: config.get(key))
            cfg.add_func("get-all", lambda _store: list(config.items()))
        with root.add_instance("wasi:logging/logging@0.1.0-draft") as lg:
            lg.add_func("log", lambda _store, level, ctx, msg: logs.append([str(level), ctx, msg]))
    component = Component.from_file(engine, job["wasm"])
    store = Store(engine)
    store.set_wasi(WasiConfig())
    store.set_wasi_http()
    instance = linker.instantiate(store, component)
    iface = instance.get_export_index(store, HANDLER)
    handle = instance.get_func(store, instance.get_export_index(store, "handle-message", iface))

    results = []
    for m in job["messages"]:
        before = len(published)
        msg = Record()
        msg.subject = m["subject"]
        msg.body = m["body"].encode()
        setattr(msg, "reply-to", m.get("reply_to"))
        error = handle(store, msg)
        handle.post_return(store)
        results.append({"error": error, "published": published[before:]})
    json.dump({"results": results, "logs": logs}, sys.stdout)


if __name__ == "__main__":
    main()
