// Package messaging imports wasmcloud:messaging/consumer@0.2.0 (publish and
// request). The handler export lives in package handler.
package messaging

import (
	"errors"
	"runtime"

	"pelato.local/task/glue/cabi"
)

// Message is wasmcloud:messaging/types.broker-message.
type Message struct {
	Subject string
	Body    []byte
	ReplyTo *string
}

//go:wasmimport wasmcloud:messaging/consumer@0.2.0 publish
func wasmPublish(subjPtr, subjLen, bodyPtr, bodyLen, rtTag, rtPtr, rtLen, ret uint32)

//go:wasmimport wasmcloud:messaging/consumer@0.2.0 request
func wasmRequest(subjPtr, subjLen, bodyPtr, bodyLen, timeoutMs, ret uint32)

// Publish sends body to subject (fire and forget, at the host's semantics).
func Publish(subject string, body []byte, replyTo *string) error {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(12, 4) // result<_, string>
	sp, sl := cabi.StringPtr(subject)
	bp, bl := cabi.BytesPtr(body)
	var rtTag, rp, rl uint32
	var rt string
	if replyTo != nil {
		rt = *replyTo
		rtTag = 1
		rp, rl = cabi.StringPtr(rt)
	}
	wasmPublish(sp, sl, bp, bl, rtTag, rp, rl, cabi.Ptr(ret))
	runtime.KeepAlive(subject)
	runtime.KeepAlive(body)
	runtime.KeepAlive(rt)
	if cabi.U8(ret, 0) != 0 {
		return errors.New(cabi.StringAt(ret, 4))
	}
	return nil
}

// Request sends body to subject and waits up to timeoutMs for one reply.
func Request(subject string, body []byte, timeoutMs uint32) (*Message, error) {
	mark := cabi.Mark()
	defer cabi.Release(mark)
	ret := cabi.Alloc(32, 4) // result<broker-message, string>
	sp, sl := cabi.StringPtr(subject)
	bp, bl := cabi.BytesPtr(body)
	wasmRequest(sp, sl, bp, bl, timeoutMs, cabi.Ptr(ret))
	runtime.KeepAlive(subject)
	runtime.KeepAlive(body)
	if cabi.U8(ret, 0) != 0 {
		return nil, errors.New(cabi.StringAt(ret, 4))
	}
	m := &Message{Subject: cabi.StringAt(ret, 4), Body: cabi.BytesAt(ret, 12)}
	if cabi.U8(ret, 20) != 0 {
		s := cabi.StringAt(ret, 24)
		m.ReplyTo = &s
	}
	return m, nil
}
