package net

import (
	"errors"
	"testing"
)

func TestAddressesParseAndPrintAsGosDo(t *testing.T) {
	if ip := ParseIP("192.168.1.20"); ip.String() != "192.168.1.20" || len(ip) != 16 || ip.To4().String() != "192.168.1.20" || !ip.Equal(IPv4(192, 168, 1, 20)) || !ip.IsPrivate() {
		t.Fatalf("IPv4: %v", ip)
	}
	if ip := ParseIP("::1"); ip.String() != "::1" || ip.To4() != nil || !ip.IsLoopback() {
		t.Fatalf("IPv6: %v", ip)
	}
	for _, bad := range []string{"", "1.2.3", "fe80::1%eth0", "host"} {
		if ip := ParseIP(bad); ip != nil {
			t.Errorf("%q parsed as %v", bad, ip)
		}
	}
	if s := (IP(nil)).String(); s != "<nil>" {
		t.Error(s)
	}
	if s := (HardwareAddr{0, 0x1a, 0xff, 9, 0xab, 0x10}).String(); s != "00:1a:ff:09:ab:10" {
		t.Error(s)
	}
	var ip IP
	if err := ip.UnmarshalText([]byte("10.0.0.1")); err != nil || !ip.Equal(IPv4(10, 0, 0, 1)) {
		t.Fatal(ip, err)
	}
	if err := ip.UnmarshalText([]byte("x")); err == nil {
		t.Fatal("x was read as an IP")
	}
}

func TestHostPortSplitAndJoin(t *testing.T) {
	cases := map[string][2]string{"example.com:80": {"example.com", "80"}, "[::1]:443": {"::1", "443"}, "1.2.3.4:0": {"1.2.3.4", "0"}}
	for in, want := range cases {
		if h, p, err := SplitHostPort(in); err != nil || h != want[0] || p != want[1] {
			t.Errorf("%s: %q %q %v", in, h, p, err)
		}
		if JoinHostPort(want[0], want[1]) != in {
			t.Errorf("join %v: %s", want, JoinHostPort(want[0], want[1]))
		}
	}
	for _, bad := range []string{"example.com", "::1:80", "[::1:80"} {
		if _, _, err := SplitHostPort(bad); err == nil {
			t.Errorf("%s was split", bad)
		}
	}
}

func TestWhatNeedsANetworkSaysSo(t *testing.T) {
	_, e1 := Interfaces()
	_, e2 := Dial("tcp", "example.com:80")
	_, e3 := LookupHost("example.com")
	_, e4 := Listen("tcp", ":8080")
	for i, err := range []error{e1, e2, e3, e4} {
		if !errors.Is(err, ErrNoNetwork) {
			t.Errorf("call %d: %v", i, err)
		}
	}
}
