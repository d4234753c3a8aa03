// Package sink exports pelato:sink/rows@0.1.0#store: a postgres sink's messages come in batches
// from whoever reads the task's JetStream consumer, and go back with one outcome each.
// Register the Go function with Handle.
package sink

import (
	"runtime"
	"strconv"
	"unsafe"

	"pelato.local/task/glue/cabi"
	"pelato.local/task/glue/frames"
	"pelato.local/task/glue/logging"
	"pelato.local/task/glue/panics"
)

// Kind is what the reader does with a message: the cases of WIT's outcome, in its order.
type Kind uint8

const (
	// Stored: acknowledge it.
	Stored Kind = iota
	// Unavailable: ask for it again soon (the database cannot take it now).
	Unavailable
	// WaitingForSchema: ask for it again in a while (a table, column or grant is missing).
	WaitingForSchema
	// Rejected: drop it (its rows can never be written).
	Rejected
)

// Outcome of one message; Why is empty for Stored.
type Outcome struct {
	Kind Kind
	Why  string
}

// Func stores a batch and returns one outcome per message, in order.
type Func func(messages [][]byte) []Outcome

var fn Func

// Handle registers the batch handler (call it from an init function).
func Handle(f Func) { fn = f }

// outcomeABI is WIT's outcome as the canonical ABI lays it out: tag u8 @0, string (ptr, len) @4.
type outcomeABI struct {
	tag      uint8
	_        [3]uint8
	ptr, len uint32
}

var (
	retArea [2]uint32 // list<outcome>: (ptr, len)
	// Kept alive until post-return: the host reads them after store returns.
	retList []outcomeABI
	retKeep []string
)

// batchKeep holds the batch the host handed over while it is copied: under TinyGo it lives on the
// heap, where nothing else refers to it, and the copy's allocation may run the garbage collector.
var batchKeep unsafe.Pointer

//go:wasmexport pelato:sink/rows@0.1.0#store
func store(batchPtr, batchLen uint32) uint32 {
	batchKeep = cabi.Addr(batchPtr)
	batch := cabi.Bytes(batchPtr, batchLen)
	batchKeep = nil
	cabi.Reset() // the batch is copied out: the arena is free again
	if n := cabi.TakeOverflow(); n != 0 {
		logging.Log(logging.Error, "pelato", "a previous host transfer of "+strconv.Itoa(int(n))+" bytes exceeded the "+strconv.Itoa(cabi.ArenaSize)+"-byte canonical ABI arena")
	}
	messages, ok := frames.Split(batch)
	var outcomes []Outcome
	if ok {
		outcomes = Call(messages)
	} else {
		logging.Log(logging.Error, "pelato", "a batch of "+strconv.Itoa(len(batch))+" bytes is not length-prefixed messages")
	}
	retList = make([]outcomeABI, len(outcomes))
	retKeep = make([]string, len(outcomes))
	for i, o := range outcomes {
		retList[i].tag = uint8(o.Kind)
		if o.Kind != Stored {
			// WIT strings must be valid UTF-8 (wasmtime traps otherwise)
			retKeep[i] = cabi.ValidUTF8(o.Why, "\uFFFD")
			retList[i].ptr, retList[i].len = cabi.StringPtr(retKeep[i])
		}
	}
	retArea = [2]uint32{0, uint32(len(retList))}
	if len(retList) > 0 {
		retArea[0] = cabi.Ptr(unsafe.Pointer(&retList[0]))
	}
	runtime.KeepAlive(retList)
	return cabi.Ptr(unsafe.Pointer(&retArea))
}

//go:wasmexport cabi_post_pelato:sink/rows@0.1.0#store
func postStore(uint32) {
	retList = nil
	retKeep = nil
	cabi.Reset()
}

// Call runs the registered handler; a panic outside exec_task (which the template guards itself)
// makes every message of the batch Unavailable rather than trapping the instance, and an answer
// of the wrong length is refused the same way.
func Call(messages [][]byte) (outcomes []Outcome) {
	fail := func(why string) []Outcome {
		all := make([]Outcome, len(messages))
		for i := range all {
			all[i] = Outcome{Unavailable, why}
		}
		return all
	}
	if fn == nil {
		return fail("no batch handler registered")
	}
	defer func() {
		if r := recover(); r != nil {
			logging.Log(logging.Error, "pelato", panics.Report("batch handler", r))
			outcomes = fail(panics.Message(r))
		}
	}()
	outcomes = fn(messages)
	if len(outcomes) != len(messages) {
		return fail("the batch handler answered " + strconv.Itoa(len(outcomes)) + " outcomes for " + strconv.Itoa(len(messages)) + " messages")
	}
	return outcomes
}
