//go:build tinygo

// Under TinyGo, fmt and runtime/debug cost each build seconds (they bring in reflect, os and
// the unicode tables: a task that needs none of them builds in 1 s instead of 4 s), and TinyGo
// keeps no stack to print on WebAssembly. So the usual panic values are worded by hand.
package panics

import "strconv"

func describe(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	default:
		return "(a value of a type the TinyGo glue does not print)"
	}
}

func stack() string { return "(TinyGo keeps no stack trace)" }
