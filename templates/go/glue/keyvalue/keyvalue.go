// Package keyvalue imports wasi:keyvalue/store@0.2.0-draft (the version
// wasmCloud hosts serve).
package keyvalue

import (
	"errors"
	"runtime"
	"unsafe"

	"pelato.local/task/glue/cabi"
)

//go:wasmimport wasi:keyvalue/store@0.2.0-draft open
func wasmOpen(idPtr, idLen, ret uint32)

//go:wasmimport wasi:keyvalue/store@0.2.0-draft [method]bucket.get
func wasmGet(h, keyPtr, keyLen, ret uint32)

//go:wasmimport wasi:keyvalue/store@0.2.0-draft [method]bucket.set
func wasmSet(h, keyPtr, keyLen, valPtr, valLen, ret uint32)

//go:wasmimport wasi:keyvalue/store@0.2.0-draft [method]bucket.delete
func wasmDelete(h, keyPtr, keyLen, ret uint32)

//go:wasmimport wasi:keyvalue/store@0.2.0-draft [method]bucket.exists
func wasmExists(h, keyPtr, keyLen, ret uint32)

//go:wasmimport wasi:keyvalue/store@0.2.0-draft [resource-drop]bucket
func wasmDropBucket(h uint32)

// Errors of wasi:keyvalue/store.error.
var (
	ErrNoSuchStore  = errors.New("keyvalue: no such store")
	ErrAccessDenied = errors.New("keyvalue: access denied")
)

// error variant at p: no-such-store | access-denied | other(string)
func kvError(p unsafe.Pointer) error {
	switch cabi.U8(p, 0) {
	case 0:
		return ErrNoSuchStore
	case 1:
		return ErrAccessDenied
	default:
		return errors.New("keyvalue: " + cabi.StringAt(p, 4))
	}
}

// Bucket is an open wasi:keyvalue bucket (a resource handle).
type Bucket struct{ h uint32 }

// Open opens the bucket named identifier (for wasmCloud's NATS KV provider,
// the bucket name; an empty name selects the link's default bucket).
func Open(identifier string) (*Bucket, error) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(16, 4) // result<own<bucket>, error>
	ip, il := cabi.StringPtr(identifier)
	wasmOpen(ip, il, cabi.Ptr(ret))
	runtime.KeepAlive(identifier)
	if cabi.U8(ret, 0) != 0 {
		return nil, kvError(unsafe.Add(ret, 4))
	}
	return &Bucket{h: cabi.U32(ret, 4)}, nil
}

// Close drops the bucket handle.
func (b *Bucket) Close() {
	if b != nil && b.h != 0 {
		wasmDropBucket(b.h)
		b.h = 0
	}
}

// Get returns the value of key; ok is false when the key does not exist.
func (b *Bucket) Get(key string) (value []byte, ok bool, err error) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(16, 4) // result<option<list<u8>>, error>
	kp, kl := cabi.StringPtr(key)
	wasmGet(b.h, kp, kl, cabi.Ptr(ret))
	runtime.KeepAlive(key)
	if cabi.U8(ret, 0) != 0 {
		return nil, false, kvError(unsafe.Add(ret, 4))
	}
	if cabi.U8(ret, 4) == 0 {
		return nil, false, nil
	}
	return cabi.BytesAt(ret, 8), true, nil
}

// Set stores value under key.
func (b *Bucket) Set(key string, value []byte) error {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(16, 4) // result<_, error>
	kp, kl := cabi.StringPtr(key)
	vp, vl := cabi.BytesPtr(value)
	wasmSet(b.h, kp, kl, vp, vl, cabi.Ptr(ret))
	runtime.KeepAlive(key)
	runtime.KeepAlive(value)
	if cabi.U8(ret, 0) != 0 {
		return kvError(unsafe.Add(ret, 4))
	}
	return nil
}

// Delete removes key (no error if it does not exist).
func (b *Bucket) Delete(key string) error {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(16, 4) // result<_, error>
	kp, kl := cabi.StringPtr(key)
	wasmDelete(b.h, kp, kl, cabi.Ptr(ret))
	runtime.KeepAlive(key)
	if cabi.U8(ret, 0) != 0 {
		return kvError(unsafe.Add(ret, 4))
	}
	return nil
}

// Exists reports whether key exists.
func (b *Bucket) Exists(key string) (bool, error) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(16, 4) // result<bool, error>
	kp, kl := cabi.StringPtr(key)
	wasmExists(b.h, kp, kl, cabi.Ptr(ret))
	runtime.KeepAlive(key)
	if cabi.U8(ret, 0) != 0 {
		return false, kvError(unsafe.Add(ret, 4))
	}
	return cabi.U8(ret, 4) != 0, nil
}
