// Package panics words a recovered panic: the error a message gets, and the line logged.
package panics

// Message is the error a recovered panic becomes: "panic: <value>".
func Message(r any) string { return "panic: " + describe(r) }

// Report is the log line: where it panicked, the value, and the stack.
func Report(where string, r any) string { return "panic in " + where + ": " + describe(r) + "\n" + stack() }
