// Package net is pelato's net for its TinyGo image (wasip2), in place of TinyGo's own, the git
// submodule tinygo-org/net, which no registry reachable here serves (versions.env).
//
// A pelato task reaches the outside only through its template's interfaces (wasmcloud:messaging,
// wasi:http, wasmcloud:postgres); it has no socket of its own on wasmCloud either. So this
// package has Go's types and parsing, and every call that would need the network (listing
// interfaces, resolving, dialing, listening) returns ErrNoNetwork. That is what libraries such as
// github.com/google/uuid expect of a machine without interfaces: they fall back (uuid picks a
// random node ID).
package net

import (
	"errors"
	"time"
)

// ErrNoNetwork is the error of every call that would need a network.
var ErrNoNetwork = errors.New("net: a pelato task has no network of its own under TinyGo: use its template's messaging, HTTP or database")

// Error is Go's net.Error.
type Error interface {
	error
	Timeout() bool
	Temporary() bool
}

// Addr is a network end point address.
type Addr interface {
	Network() string
	String() string
}

// Conn is a generic stream-oriented network connection.
type Conn interface {
	Read(b []byte) (n int, err error)
	Write(b []byte) (n int, err error)
	Close() error
	LocalAddr() Addr
	RemoteAddr() Addr
	SetDeadline(t time.Time) error
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}

// Listener is a generic network listener for stream-oriented protocols.
type Listener interface {
	Accept() (Conn, error)
	Close() error
	Addr() Addr
}

// Dial returns ErrNoNetwork.
func Dial(network, address string) (Conn, error) { return nil, opError("dial", network, ErrNoNetwork) }

// DialTimeout returns ErrNoNetwork.
func DialTimeout(network, address string, timeout time.Duration) (Conn, error) {
	return nil, opError("dial", network, ErrNoNetwork)
}

// Listen returns ErrNoNetwork.
func Listen(network, address string) (Listener, error) {
	return nil, opError("listen", network, ErrNoNetwork)
}

// LookupHost returns ErrNoNetwork.
func LookupHost(host string) ([]string, error) {
	return nil, &DNSError{Err: ErrNoNetwork.Error(), Name: host}
}

// LookupIP returns ErrNoNetwork.
func LookupIP(host string) ([]IP, error) {
	return nil, &DNSError{Err: ErrNoNetwork.Error(), Name: host}
}

// OpError is the error type usually returned by functions in the net package.
type OpError struct {
	Op  string
	Net string
	Err error
}

func opError(op, network string, err error) *OpError { return &OpError{Op: op, Net: network, Err: err} }

func (e *OpError) Error() string   { return e.Op + " " + e.Net + ": " + e.Err.Error() }
func (e *OpError) Unwrap() error   { return e.Err }
func (e *OpError) Timeout() bool   { return false }
func (e *OpError) Temporary() bool { return false }

// DNSError represents a DNS lookup error.
type DNSError struct {
	Err  string
	Name string
}

func (e *DNSError) Error() string   { return "lookup " + e.Name + ": " + e.Err }
func (e *DNSError) Unwrap() error   { return ErrNoNetwork }
func (e *DNSError) Timeout() bool   { return false }
func (e *DNSError) Temporary() bool { return false }

// SplitHostPort splits "host:port", "[host]:port" or "[host%zone]:port" as Go's does, on text alone.
func SplitHostPort(hostport string) (host, port string, err error) {
	fail := func(why string) (string, string, error) { return "", "", &AddrError{Err: why, Addr: hostport} }
	i := lastColon(hostport)
	if i < 0 {
		return fail("missing port in address")
	}
	host, port = hostport[:i], hostport[i+1:]
	if len(host) > 0 && host[0] == '[' {
		if host[len(host)-1] != ']' {
			return fail("missing ']' in address")
		}
		return host[1 : len(host)-1], port, nil
	}
	if lastColon(host) >= 0 {
		return fail("too many colons in address")
	}
	return host, port, nil
}

// JoinHostPort combines host and port into host:port, bracketing an IPv6 host.
func JoinHostPort(host, port string) string {
	if lastColon(host) >= 0 {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// AddrError reports an address that cannot be read.
type AddrError struct {
	Err  string
	Addr string
}

func (e *AddrError) Error() string   { return "address " + e.Addr + ": " + e.Err }
func (e *AddrError) Timeout() bool   { return false }
func (e *AddrError) Temporary() bool { return false }

func lastColon(s string) int {
	// (strings.LastIndexByte, without the strings package: each import costs TinyGo builds time)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
	}
	return -1
}
