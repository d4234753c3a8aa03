// Package postgres imports wasmcloud:postgres/query@0.1.1-draft: pelatod's
// postgres provider on a lattice, node-postgres in the local host.
package postgres

import (
	"runtime"
	"unsafe"

	"pelato.local/task/glue/cabi"
)

//go:wasmimport wasmcloud:postgres/query@0.1.1-draft query
func wasmQuery(qPtr, qLen, paramsPtr, paramsLen, ret uint32)

// pg-value is a variant of 97 cases, 8-aligned: discriminant (u8) at 0,
// payload at 8; 72 bytes in all (its largest case, box, holds 64).
const (
	pgValueSize = 72
	pgValueNull = 0
	pgValueText = 88
)

// QueryError is wasmcloud:postgres's query-error: Kind is invalid-params,
// invalid-query (the server refused the statement) or unexpected (the
// database could not be reached, or failed otherwise).
type QueryError struct {
	Kind    string
	Message string
}

func (e *QueryError) Error() string { return e.Kind + ": " + e.Message }

var queryErrorKinds = [...]string{"invalid-params", "invalid-query", "unexpected"}

// Exec runs query with params bound as text values ($1, $2, ...); nil is NULL.
// Rows it returns are not read. The error is typed (not an error interface):
// TinyGo cannot run errors.As.
func Exec(query string, params ...*string) *QueryError {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	// The list lives on the Go heap (uint64s: 8-aligned), not in the arena, which is sized for
	// return areas (4 KiB under TinyGo).
	words := make([]uint64, pgValueSize/8*len(params))
	var list unsafe.Pointer
	if len(params) > 0 {
		list = unsafe.Pointer(&words[0])
	}
	for i, p := range params {
		elem := unsafe.Add(list, i*pgValueSize)
		if p == nil {
			*(*uint8)(elem) = pgValueNull
			continue
		}
		*(*uint8)(elem) = pgValueText
		ptr, n := cabi.StringPtr(*p)
		*(*uint32)(unsafe.Add(elem, 8)) = ptr
		*(*uint32)(unsafe.Add(elem, 12)) = n
	}
	ret := cabi.Alloc(16, 4) // result<list<result-row>, query-error>
	qp, ql := cabi.StringPtr(query)
	wasmQuery(qp, ql, cabi.Ptr(list), uint32(len(params)), cabi.Ptr(ret))
	runtime.KeepAlive(query)
	runtime.KeepAlive(params)
	runtime.KeepAlive(words)
	if cabi.U8(ret, 0) == 0 {
		return nil
	}
	kind := "unexpected"
	if k := int(cabi.U8(ret, 4)); k < len(queryErrorKinds) {
		kind = queryErrorKinds[k]
	}
	return &QueryError{Kind: kind, Message: cabi.StringAt(ret, 8)}
}
