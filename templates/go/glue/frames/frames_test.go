package frames

import "testing"

func TestSplitReadsLengthPrefixedBodies(t *testing.T) {
	batch := []byte{2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 3, 0, 0, 0, 'a', 'b', 'c'}
	messages, ok := Split(batch)
	if !ok || len(messages) != 3 || string(messages[0]) != "hi" || len(messages[1]) != 0 || string(messages[2]) != "abc" {
		t.Fatalf("%q %v", messages, ok)
	}
	if messages, ok := Split(nil); !ok || len(messages) != 0 {
		t.Fatalf("an empty batch: %q %v", messages, ok)
	}
}

func TestSplitRefusesLengthsThatDoNotAddUp(t *testing.T) {
	for _, batch := range [][]byte{{1}, {5, 0, 0, 0, 'a'}, {255, 255, 255, 255, 'a'}, {1, 0, 0, 0, 'a', 9}} {
		if messages, ok := Split(batch); ok {
			t.Errorf("%v: read as %q", batch, messages)
		}
	}
}
