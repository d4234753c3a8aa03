// Package config imports wasi:config/runtime@0.2.0-draft (the interface
// wasmCloud hosts serve from the component's named config / link config).
package config

import (
	"errors"
	"runtime"
	"unsafe"

	"pelato.local/task/glue/cabi"
)

//go:wasmimport wasi:config/runtime@0.2.0-draft get
func wasmGet(keyPtr, keyLen, ret uint32)

//go:wasmimport wasi:config/runtime@0.2.0-draft get-all
func wasmGetAll(ret uint32)

// config-error: upstream(string) | io(string)
func configError(p unsafe.Pointer) error {
	kind := "upstream"
	if cabi.U8(p, 0) == 1 {
		kind = "io"
	}
	return errors.New("config " + kind + " error: " + cabi.StringAt(p, 4))
}

// Get returns the value of key; ok is false when the key is not set.
func Get(key string) (value string, ok bool, err error) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(16, 4) // result<option<string>, config-error>
	kp, kl := cabi.StringPtr(key)
	wasmGet(kp, kl, cabi.Ptr(ret))
	runtime.KeepAlive(key)
	if cabi.U8(ret, 0) != 0 {
		return "", false, configError(unsafe.Add(ret, 4))
	}
	if cabi.U8(ret, 4) == 0 {
		return "", false, nil
	}
	return cabi.StringAt(ret, 8), true, nil
}

// GetAll returns every config key/value visible to the component.
func GetAll() (map[string]string, error) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(16, 4) // result<list<tuple<string,string>>, config-error>
	wasmGetAll(cabi.Ptr(ret))
	if cabi.U8(ret, 0) != 0 {
		return nil, configError(unsafe.Add(ret, 4))
	}
	base, n := cabi.U32(ret, 4), cabi.U32(ret, 8)
	out := make(map[string]string, n)
	for i := uint32(0); i < n; i++ {
		e := cabi.Addr(base + 16*i)
		out[cabi.StringAt(e, 0)] = cabi.StringAt(e, 8)
	}
	return out, nil
}
