// Package logging imports wasi:logging/logging@0.1.0-draft.
package logging

import (
	"runtime"

	"pelato.local/task/glue/cabi"
)

// Level is wasi:logging's level enum.
type Level uint32

const (
	Trace Level = iota
	Debug
	Info
	Warn
	Error
	Critical
)

//go:wasmimport wasi:logging/logging@0.1.0-draft log
func wasmLog(level, ctxPtr, ctxLen, msgPtr, msgLen uint32)

// Log writes one log line through the host.
func Log(level Level, context, message string) {
	// WIT strings must be valid UTF-8 (wasmtime traps the call otherwise)
	context = cabi.ValidUTF8(context, "\uFFFD")
	message = cabi.ValidUTF8(message, "\uFFFD")
	cp, cl := cabi.StringPtr(context)
	mp, ml := cabi.StringPtr(message)
	wasmLog(uint32(level), cp, cl, mp, ml)
	runtime.KeepAlive(context)
	runtime.KeepAlive(message)
}
