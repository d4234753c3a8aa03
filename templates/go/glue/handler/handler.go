// Package handler exports wasmcloud:messaging/handler@0.2.0#handle-message.
// Importing it adds the export; register the Go function with Handle.
package handler

import (
	"errors"
	"strconv"
	"unsafe"

	"pelato.local/task/glue/cabi"
	"pelato.local/task/glue/logging"
	"pelato.local/task/glue/panics"
)

// Func handles one message. A returned error (or a panic, which is
// recovered) becomes the result<_, string> error seen by the host; the
// component keeps serving later messages.
type Func func(subject string, body []byte, replyTo *string) error

var fn Func

// Handle registers the message handler (call it from an init function).
func Handle(f Func) { fn = f }

// retArea is the result<_, string> return area: tag u8 @0, ptr @4, len @8.
var retArea struct{ tag, ptr, len uint32 }

// retKeep keeps the error string alive until post-return.
var retKeep string

// lifted holds what the host handed over while it is copied: under TinyGo it lives on the heap,
// where nothing else refers to it, and each copy's allocation may run the garbage collector.
var lifted [3]unsafe.Pointer

//go:wasmexport wasmcloud:messaging/handler@0.2.0#handle-message
func handleMessage(subjPtr, subjLen, bodyPtr, bodyLen, rtTag, rtPtr, rtLen uint32) uint32 {
	lifted = [3]unsafe.Pointer{cabi.Addr(subjPtr), cabi.Addr(bodyPtr), cabi.Addr(rtPtr)}
	subject := cabi.String(subjPtr, subjLen)
	body := cabi.Bytes(bodyPtr, bodyLen)
	var replyTo *string
	if rtTag != 0 {
		s := cabi.String(rtPtr, rtLen)
		replyTo = &s
	}
	lifted = [3]unsafe.Pointer{}
	cabi.Reset() // everything lifted is copied out: the arena is free again
	if n := cabi.TakeOverflow(); n != 0 {
		logging.Log(logging.Error, "pelato", "a previous host transfer of "+strconv.Itoa(int(n))+" bytes exceeded the "+strconv.Itoa(cabi.ArenaSize)+"-byte canonical ABI arena")
	}
	err := Call(subject, body, replyTo)
	if err == nil {
		retArea = struct{ tag, ptr, len uint32 }{0, 0, 0}
		retKeep = ""
	} else {
		// WIT strings must be valid UTF-8 (wasmtime traps otherwise)
		retKeep = cabi.ValidUTF8(err.Error(), "\uFFFD")
		p, n := cabi.StringPtr(retKeep)
		retArea = struct{ tag, ptr, len uint32 }{1, p, n}
	}
	return cabi.Ptr(unsafe.Pointer(&retArea))
}

//go:wasmexport cabi_post_wasmcloud:messaging/handler@0.2.0#handle-message
func postHandleMessage(uint32) {
	retKeep = ""
	cabi.Reset()
}

// Call runs the registered handler, turning a panic into an error.
func Call(subject string, body []byte, replyTo *string) (err error) {
	if fn == nil {
		return errors.New("no message handler registered")
	}
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(panics.Message(r))
			logging.Log(logging.Error, "pelato", panics.Report("message handler", r))
		}
	}()
	return fn(subject, body, replyTo)
}
