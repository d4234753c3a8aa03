// Package httpserver exports wasi:http/incoming-handler@0.2.0#handle. It
// reads the method, path and whole request body, calls the registered Go
// function, and writes its answer as the response.
package httpserver

import (
	"errors"
	"runtime"

	"pelato.local/task/glue/cabi"
	"pelato.local/task/glue/logging"
	"pelato.local/task/glue/panics"
)

// Func handles one request and returns status, body and content type.
type Func func(method, path string, body []byte) (status int, respBody []byte, contentType string)

var fn Func

// Handle registers the request handler (call it from an init function).
func Handle(f Func) { fn = f }

// MaxBodyBytes bounds the request body read into memory; larger bodies get
// 413. The body is streamed in ReadChunk pieces, so it is not limited by the
// canonical-ABI arena, only by Go's heap.
var MaxBodyBytes = 64 << 20

// ReadChunk is the size asked of input-stream.blocking-read per call.
const ReadChunk = 64 << 10

// writeChunk: output-stream.blocking-write-and-flush accepts at most 4096 bytes.
const writeChunk = 4096

//go:wasmimport wasi:http/types@0.2.0 [method]incoming-request.method
func reqMethod(req, ret uint32)

//go:wasmimport wasi:http/types@0.2.0 [method]incoming-request.path-with-query
func reqPath(req, ret uint32)

//go:wasmimport wasi:http/types@0.2.0 [method]incoming-request.consume
func reqConsume(req, ret uint32)

//go:wasmimport wasi:http/types@0.2.0 [resource-drop]incoming-request
func dropRequest(h uint32)

//go:wasmimport wasi:http/types@0.2.0 [method]incoming-body.stream
func bodyStream(body, ret uint32)

//go:wasmimport wasi:http/types@0.2.0 [resource-drop]incoming-body
func dropIncomingBody(h uint32)

//go:wasmimport wasi:io/streams@0.2.0 [method]input-stream.blocking-read
func blockingRead(stream uint32, n uint64, ret uint32)

//go:wasmimport wasi:io/streams@0.2.0 [resource-drop]input-stream
func dropInputStream(h uint32)

//go:wasmimport wasi:io/streams@0.2.0 [method]output-stream.blocking-write-and-flush
func blockingWriteAndFlush(stream, ptr, n, ret uint32)

//go:wasmimport wasi:io/streams@0.2.0 [resource-drop]output-stream
func dropOutputStream(h uint32)

//go:wasmimport wasi:io/error@0.2.0 [resource-drop]error
func dropIOError(h uint32)

//go:wasmimport wasi:http/types@0.2.0 [constructor]fields
func newFields() uint32

//go:wasmimport wasi:http/types@0.2.0 [method]fields.append
func fieldsAppend(fields, namePtr, nameLen, valPtr, valLen, ret uint32)

//go:wasmimport wasi:http/types@0.2.0 [constructor]outgoing-response
func newOutgoingResponse(headers uint32) uint32

//go:wasmimport wasi:http/types@0.2.0 [method]outgoing-response.set-status-code
func setStatusCode(resp, status uint32) uint32

//go:wasmimport wasi:http/types@0.2.0 [method]outgoing-response.body
func responseBody(resp, ret uint32)

//go:wasmimport wasi:http/types@0.2.0 [method]outgoing-body.write
func outgoingBodyWrite(body, ret uint32)

//go:wasmimport wasi:http/types@0.2.0 [static]outgoing-body.finish
func outgoingBodyFinish(body, trailersTag, trailers, ret uint32)

//go:wasmimport wasi:http/types@0.2.0 [static]response-outparam.set
func responseOutparamSet(param, tag, a, b uint32, c uint64, d, e, f, g uint32)

var methods = [...]string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}

//go:wasmexport wasi:http/incoming-handler@0.2.0#handle
func handle(req, out uint32) {
	defer cabi.Reset()
	method, path := readHead(req)
	body, tooLarge, err := readBody(req)
	dropRequest(req)
	var status int
	var respBody []byte
	var ctype string
	switch {
	case tooLarge:
		status, respBody, ctype = 413, []byte("request body too large\n"), "text/plain"
	case err != nil:
		status, respBody, ctype = 400, []byte("cannot read request body: "+err.Error()+"\n"), "text/plain"
	default:
		status, respBody, ctype = call(method, path, body)
	}
	writeResponse(out, status, respBody, ctype)
}

func call(method, path string, body []byte) (status int, respBody []byte, ctype string) {
	if fn == nil {
		return 500, []byte("no HTTP handler registered\n"), "text/plain"
	}
	defer func() {
		if r := recover(); r != nil {
			logging.Log(logging.Error, "pelato", panics.Report("HTTP handler", r))
			status, respBody, ctype = 500, []byte(panics.Message(r)+"\n"), "text/plain"
		}
	}()
	return fn(method, path, body)
}

func readHead(req uint32) (method, path string) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(12, 4)
	reqMethod(req, cabi.Ptr(ret))
	if d := cabi.U8(ret, 0); int(d) < len(methods) {
		method = methods[d]
	} else {
		method = cabi.StringAt(ret, 4)
	}
	ret2 := cabi.Alloc(12, 4)
	reqPath(req, cabi.Ptr(ret2))
	if cabi.U8(ret2, 0) != 0 {
		path = cabi.StringAt(ret2, 4)
	} else {
		path = "/"
	}
	return method, path
}

type streamError struct{ closed bool }

func (e streamError) Error() string {
	if e.closed {
		return "stream closed"
	}
	return "stream operation failed"
}

// readBody streams the whole request body into Go memory.
func readBody(req uint32) (body []byte, tooLarge bool, err error) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(16, 4)
	reqConsume(req, cabi.Ptr(ret))
	if cabi.U8(ret, 0) != 0 {
		return nil, false, errors.New("request body already consumed")
	}
	inBody := cabi.U32(ret, 4)
	defer dropIncomingBody(inBody)
	bodyStream(inBody, cabi.Ptr(ret))
	if cabi.U8(ret, 0) != 0 {
		return nil, false, errors.New("request body stream unavailable")
	}
	stream := cabi.U32(ret, 4)
	defer dropInputStream(stream)
	for {
		m := cabi.Mark()
		r := cabi.Alloc(12, 4) // result<list<u8>, stream-error>
		blockingRead(stream, ReadChunk, cabi.Ptr(r))
		if cabi.U8(r, 0) != 0 {
			closed := cabi.U8(r, 4) == 1
			if !closed {
				dropIOError(cabi.U32(r, 8))
			}
			cabi.Release(m)
			if closed {
				return body, false, nil
			}
			return nil, false, streamError{}
		}
		ptr, n := cabi.U32(r, 4), cabi.U32(r, 8)
		if len(body)+int(n) > MaxBodyBytes {
			cabi.Release(m)
			return nil, true, nil
		}
		body = append(body, cabi.View(ptr, n)...)
		cabi.Release(m)
	}
}

func writeResponse(out uint32, status int, body []byte, ctype string) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	headers := newFields()
	ctype = cabi.ValidUTF8(ctype, "")
	if ctype != "" {
		r := cabi.Alloc(4, 1)
		name := "content-type"
		np, nl := cabi.StringPtr(name)
		vp, vl := cabi.StringPtr(ctype)
		fieldsAppend(headers, np, nl, vp, vl, cabi.Ptr(r))
		runtime.KeepAlive(name)
		runtime.KeepAlive(ctype)
	}
	resp := newOutgoingResponse(headers) // takes ownership of headers
	if status < 100 || status > 999 {
		status = 500
	}
	setStatusCode(resp, uint32(status))
	ret := cabi.Alloc(16, 4)
	responseBody(resp, cabi.Ptr(ret))
	outBody := cabi.U32(ret, 4)
	responseOutparamSet(out, 0, resp, 0, 0, 0, 0, 0, 0)
	outgoingBodyWrite(outBody, cabi.Ptr(ret))
	if cabi.U8(ret, 0) == 0 {
		stream := cabi.U32(ret, 4)
		r := cabi.Alloc(12, 4)
		for off := 0; off < len(body); off += writeChunk {
			end := min(off+writeChunk, len(body))
			p, n := cabi.BytesPtr(body[off:end])
			blockingWriteAndFlush(stream, p, n, cabi.Ptr(r))
			if cabi.U8(r, 0) != 0 {
				if cabi.U8(r, 4) == 0 {
					dropIOError(cabi.U32(r, 8))
				}
				logging.Log(logging.Warn, "pelato", "HTTP response body write failed")
				break
			}
		}
		runtime.KeepAlive(body)
		dropOutputStream(stream)
	}
	fin := cabi.Alloc(64, 8) // result<_, error-code>
	outgoingBodyFinish(outBody, 0, 0, cabi.Ptr(fin))
}
