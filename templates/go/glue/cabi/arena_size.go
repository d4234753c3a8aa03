package cabi

// ArenaSize is the capacity of the canonical-ABI arena: the largest single
// value the host can hand to this component in one transfer (one incoming
// message: subject+body+reply-to; one import result such as a
// consumer.request reply). HTTP bodies are read in 64 KiB chunks
// and are NOT limited by it.
//
// The arena lives in the module's BSS (zero pages, never touched until used),
// so under mainline Go it costs linear-memory address space, not RSS. NATS'
// largest recommended max_payload is 8 MiB: the arena holds such a body with
// room for its subject and reply-to. It is no larger because Go's heap
// begins after it: a mainline Go component is pre-initialised
// (src/build/preinit.ts), and wasmtime maps the initialised memory at each
// start only while its data spans less than 16 MiB.
//
// TinyGo zeroes its BSS at every start, so its builds get a 4 KiB arena:
// there it only holds return areas (src/build/tinygo-source.ts).
//
// This file exists on its own so a generator can overwrite it.
const ArenaSize = 8<<20 + 64<<10

// AdapterArenaSize serves cabi_realloc_adapter (the WASI preview1 adapter
// allocates its state once, before Go's runtime is initialised).
const AdapterArenaSize = 128 << 10
