// Package cabi is the canonical-ABI support shared by the pelato glue
// packages: the cabi_realloc / cabi_realloc_adapter exports, a bump arena
// they allocate from, and helpers to lift and lower strings and lists.
//
// Why an arena: the component model forbids a component from calling any
// import while the host is inside cabi_realloc ("cannot leave component
// instance" in wasmtime), and Go's allocator may call clock imports (GC
// pacing, large-object spans). So cabi_realloc never touches Go's heap: it
// bump-allocates from a fixed array in BSS. Glue code copies every lifted
// value into Go memory right away and then releases the arena, so at any time
// the arena only holds one in-flight transfer.
//
// The glue is single-threaded by design: call the glue packages from the
// goroutine running the exported function (the handler), not from
// goroutines that outlive it.
package cabi

import (
	"unicode/utf8"
	"unsafe"
)

var (
	arena        [ArenaSize]byte
	top          uintptr // bytes used in arena
	peak         uintptr // high-water mark, for diagnostics
	overflowSize uint32  // size of the last request that did not fit (0 = none)

	adapterArena [AdapterArenaSize]byte
	adapterTop   uintptr
)

// badPtr is returned when a request does not fit: it lies beyond any
// realistic linear memory, so the host traps the call cleanly ("realloc
// return: beyond end of memory") instead of corrupting Go's heap.
const badPtr = 0xFFFF_0000

//go:nosplit
func bump(base uintptr, used *uintptr, capacity uintptr, oldPtr, oldSize, align, newSize uint32) uint32 {
	if align == 0 {
		align = 1
	}
	a := uintptr(align)
	cur := base + *used
	// Grow or shrink the most recent allocation in place.
	if oldPtr != 0 && uintptr(oldPtr)+uintptr(oldSize) == cur && uintptr(oldPtr)%a == 0 {
		end := uintptr(oldPtr) + uintptr(newSize)
		if end <= base+capacity {
			*used = end - base
			return oldPtr
		}
		return badPtr
	}
	p := (cur + a - 1) &^ (a - 1)
	end := p + uintptr(newSize)
	if end > base+capacity {
		return badPtr
	}
	*used = end - base
	if oldPtr != 0 && oldSize != 0 {
		n := oldSize
		if newSize < n {
			n = newSize
		}
		dst := unsafe.Slice((*byte)(Addr(uint32(p))), n)
		src := unsafe.Slice((*byte)(Addr(oldPtr)), n)
		for i := range dst { // no memmove: keep this call free of runtime calls
			dst[i] = src[i]
		}
	}
	return uint32(p)
}

// cabiRealloc serves every host→guest allocation of the canonical ABI
// (lifting export arguments, lowering import results).
//
//go:wasmexport cabi_realloc
//go:nosplit
func cabiRealloc(oldPtr, oldSize, align, newSize uint32) uint32 {
	base := uintptr(unsafe.Pointer(&arena[0]))
	p := bump(base, &top, ArenaSize, oldPtr, oldSize, align, newSize)
	if p == badPtr {
		overflowSize = newSize
	} else if top > peak {
		peak = top
	}
	return p
}

// cabiReallocAdapter serves the WASI preview1 adapter, which allocates its
// state during _initialize, before Go's runtime exists. wit-component wires
// an export of this name to the adapter instead of cabi_realloc.
//
//go:wasmexport cabi_realloc_adapter
//go:nosplit
func cabiReallocAdapter(oldPtr, oldSize, align, newSize uint32) uint32 {
	base := uintptr(unsafe.Pointer(&adapterArena[0]))
	return bump(base, &adapterTop, AdapterArenaSize, oldPtr, oldSize, align, newSize)
}

// Mark returns the arena position; Release(mark) frees everything allocated
// after it. Use around one import call: mark, call, copy results out, release.
func Mark() uintptr { return top }

// Release frees arena memory allocated since mark.
func Release(mark uintptr) {
	if mark <= top {
		top = mark
	}
}

// Reset empties the arena (all lifted values must have been copied out).
func Reset() { top = 0 }

// Alloc takes size bytes (aligned) from the arena, e.g. for an import's
// return area. The memory is zeroed. Panics if the arena is full.
func Alloc(size, align uint32) unsafe.Pointer {
	base := uintptr(unsafe.Pointer(&arena[0]))
	p := bump(base, &top, ArenaSize, 0, 0, align, size)
	if p == badPtr {
		panic("cabi: arena full")
	}
	clear(unsafe.Slice((*byte)(Addr(p)), size))
	if top > peak {
		peak = top
	}
	return Addr(p)
}

// Stats reports the arena capacity, its high-water mark, and the size of the
// last host request that did not fit (0 if none). TakeOverflow clears it.
func Stats() (capacity, highWater uintptr, lastOverflow uint32) {
	return ArenaSize, peak, overflowSize
}

// TakeOverflow returns and clears the size of the last allocation that did
// not fit in the arena (0 if none); glue logs it on the next call.
func TakeOverflow() uint32 {
	n := overflowSize
	overflowSize = 0
	return n
}

// Addr turns a linear-memory address (as the canonical ABI passes it) into a
// pointer. Everything the host hands over lives in the arena or in Go memory
// kept alive by the glue, and Go's GC never moves memory on wasm. (This is the
// one place `go vet` reports "possible misuse of unsafe.Pointer"; it is
// intended.)
//
//go:nosplit
func Addr(p uint32) unsafe.Pointer { return unsafe.Pointer(uintptr(p)) }

// View returns the n bytes at linear-memory address p without copying; valid
// only until the arena is released.
func View(p, n uint32) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(Addr(p)), n)
}

// Ptr is an address in linear memory as the canonical ABI sees it.
func Ptr(p unsafe.Pointer) uint32 { return uint32(uintptr(p)) }

// StringPtr lowers a Go string to (ptr, len) without copying. Keep s alive
// (runtime.KeepAlive) until the import call returns.
func StringPtr(s string) (uint32, uint32) {
	if len(s) == 0 {
		return 0, 0
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.StringData(s)))), uint32(len(s))
}

// BytesPtr lowers a Go byte slice to (ptr, len) without copying.
func BytesPtr(b []byte) (uint32, uint32) {
	if len(b) == 0 {
		return 0, 0
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))), uint32(len(b))
}

// String lifts (copies) a string from linear memory into Go memory.
func String(ptr, n uint32) string {
	if n == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(Addr(ptr)), n))
}

// Bytes lifts (copies) a list<u8> from linear memory into a new Go slice.
func Bytes(ptr, n uint32) []byte {
	b := make([]byte, n)
	if n != 0 {
		copy(b, unsafe.Slice((*byte)(Addr(ptr)), n))
	}
	return b
}

// Load helpers read little-endian fields of a return area.
func U8(p unsafe.Pointer, off uintptr) uint8   { return *(*uint8)(unsafe.Add(p, off)) }
func U16(p unsafe.Pointer, off uintptr) uint16 { return *(*uint16)(unsafe.Add(p, off)) }
func U32(p unsafe.Pointer, off uintptr) uint32 { return *(*uint32)(unsafe.Add(p, off)) }
func U64(p unsafe.Pointer, off uintptr) uint64 { return *(*uint64)(unsafe.Add(p, off)) }

// StringAt lifts the (ptr,len) string stored at p+off.
func StringAt(p unsafe.Pointer, off uintptr) string {
	return String(U32(p, off), U32(p, off+4))
}

// BytesAt lifts the (ptr,len) list<u8> stored at p+off.
func BytesAt(p unsafe.Pointer, off uintptr) []byte {
	return Bytes(U32(p, off), U32(p, off+4))
}

// ValidUTF8 replaces each run of bytes that are not valid UTF-8 with replacement: WIT strings
// must be valid UTF-8 (wasmtime traps otherwise). strings.ToValidUTF8 does the same, but under
// TinyGo the strings package costs every build about a second (its unicode tables).
func ValidUTF8(s, replacement string) string {
	if utf8.ValidString(s) {
		return s
	}
	out := make([]byte, 0, len(s)+len(replacement))
	invalid := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			if !invalid {
				out = append(out, replacement...)
				invalid = true
			}
			i++
			continue
		}
		out = append(out, s[i:i+size]...)
		invalid = false
		i += size
	}
	return string(out)
}
