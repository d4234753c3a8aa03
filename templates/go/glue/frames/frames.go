// Package frames reads the batch a postgres sink's reader hands its component
// (pelato:sink/rows#store). Pure Go, so it is tested natively.
package frames

// Split reads a batch: each message's body preceded by its length, a little-endian u32. The
// bodies are slices of batch. Not ok when the lengths do not add up (the reader then gets no
// outcomes, and asks for the messages again).
func Split(batch []byte) (messages [][]byte, ok bool) {
	for len(batch) > 0 {
		if len(batch) < 4 {
			return nil, false
		}
		n := uint32(batch[0]) | uint32(batch[1])<<8 | uint32(batch[2])<<16 | uint32(batch[3])<<24
		if uint64(n) > uint64(len(batch)-4) {
			return nil, false
		}
		messages = append(messages, batch[4:4+n])
		batch = batch[4+n:]
	}
	return messages, true
}
