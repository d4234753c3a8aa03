package net

import "net/netip"

// IP is a single IP address, 4 or 16 bytes, as in Go's net.
type IP []byte

// IPv4 returns the 16-byte form of the IPv4 address a.b.c.d.
func IPv4(a, b, c, d byte) IP {
	return IP{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d}
}

// ParseIP reads an IPv4 or IPv6 address; nil when s is not one.
func ParseIP(s string) IP {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return nil
	}
	b := a.As16()
	return IP(b[:])
}

func (ip IP) addr() (netip.Addr, bool) {
	switch len(ip) {
	case 4:
		return netip.AddrFrom4([4]byte(ip)), true
	case 16:
		return netip.AddrFrom16([16]byte(ip)).Unmap(), true
	}
	return netip.Addr{}, false
}

// String is the address's usual text; "<nil>" for an empty IP, "?" and hex for one of a wrong length.
func (ip IP) String() string {
	if len(ip) == 0 {
		return "<nil>"
	}
	a, ok := ip.addr()
	if !ok {
		const hex = "0123456789abcdef"
		out := []byte{'?'}
		for _, b := range ip {
			out = append(out, hex[b>>4], hex[b&15])
		}
		return string(out)
	}
	return a.String()
}

// To4 is the 4-byte form of an IPv4 address; nil for any other.
func (ip IP) To4() IP {
	a, ok := ip.addr()
	if !ok || !a.Is4() {
		return nil
	}
	b := a.As4()
	return IP(b[:])
}

// To16 is the 16-byte form of an address; nil when ip is not one.
func (ip IP) To16() IP {
	a, ok := ip.addr()
	if !ok {
		return nil
	}
	b := a.As16()
	return IP(b[:])
}

// Equal reports whether ip and x are the same address (an IPv4 address equals its IPv6 form).
func (ip IP) Equal(x IP) bool {
	a, okA := ip.addr()
	b, okB := x.addr()
	return okA && okB && a == b
}

// IsLoopback, IsPrivate, IsUnspecified: as Go's.
func (ip IP) IsLoopback() bool    { a, ok := ip.addr(); return ok && a.IsLoopback() }
func (ip IP) IsPrivate() bool     { a, ok := ip.addr(); return ok && a.IsPrivate() }
func (ip IP) IsUnspecified() bool { a, ok := ip.addr(); return ok && a.IsUnspecified() }

// MarshalText and UnmarshalText let an IP travel as text in JSON.
func (ip IP) MarshalText() ([]byte, error) {
	if len(ip) == 0 {
		return []byte(""), nil
	}
	return []byte(ip.String()), nil
}

func (ip *IP) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*ip = nil
		return nil
	}
	x := ParseIP(string(text))
	if x == nil {
		return &ParseError{Type: "IP address", Text: string(text)}
	}
	*ip = x
	return nil
}

// ParseError is the error of a text that is not the address asked for.
type ParseError struct {
	Type string
	Text string
}

func (e *ParseError) Error() string   { return "invalid " + e.Type + ": " + e.Text }
func (e *ParseError) Timeout() bool   { return false }
func (e *ParseError) Temporary() bool { return false }
