package net

// HardwareAddr is a physical hardware address.
type HardwareAddr []byte

// String is the address as colon-separated hexadecimal bytes.
func (a HardwareAddr) String() string {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, len(a)*3)
	for i, b := range a {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hex[b>>4], hex[b&15])
	}
	return string(out)
}

// Flags are an interface's flags.
type Flags uint

const (
	FlagUp Flags = 1 << iota
	FlagBroadcast
	FlagLoopback
	FlagPointToPoint
	FlagMulticast
	FlagRunning
)

// Interface is a network interface: a task has none to list.
type Interface struct {
	Index        int
	MTU          int
	Name         string
	HardwareAddr HardwareAddr
	Flags        Flags
}

// Interfaces returns ErrNoNetwork.
func Interfaces() ([]Interface, error) { return nil, opError("route", "ip+net", ErrNoNetwork) }

// InterfaceByName returns ErrNoNetwork.
func InterfaceByName(name string) (*Interface, error) {
	return nil, opError("route", "ip+net", ErrNoNetwork)
}

// InterfaceByIndex returns ErrNoNetwork.
func InterfaceByIndex(index int) (*Interface, error) {
	return nil, opError("route", "ip+net", ErrNoNetwork)
}
