//go:build !tinygo

package panics

import (
	"fmt"
	"runtime/debug"
)

func describe(r any) string { return fmt.Sprint(r) }

func stack() string { return string(debug.Stack()) }
