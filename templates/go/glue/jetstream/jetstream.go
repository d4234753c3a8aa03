// Package jetstream speaks the part of JetStream a task needs over plain
// wasmcloud:messaging: a key-value put is a request to $KV.<bucket>.<key>
// answered by the bucket's stream. Any host with a NATS messaging provider
// serves it; no key-value provider is needed.
package jetstream

import (
	"encoding/json"
	"errors"
	"strconv"

	"pelato.local/task/glue/messaging"
)

// PutTimeoutMs bounds the wait for the stream's acknowledgement of a put.
const PutTimeoutMs = 3000

// ValidKey reports whether key is a key NATS KV accepts: letters, digits and
// - / _ = . , not starting or ending with a dot. Anything else could be a
// wildcard or another subject, so it is never sent.
func ValidKey(key string) bool {
	if key == "" || key[0] == '.' || key[len(key)-1] == '.' {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '/' || c == '_' || c == '=' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

type pubAck struct {
	Stream string `json:"stream"`
	Seq    uint64 `json:"seq"`
	Error  *struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	} `json:"error"`
}

// KVPut stores value under key in bucket and waits for the stream to
// acknowledge it. Any answer but a stored sequence is an error.
func KVPut(bucket, key string, value []byte) error {
	if !ValidKey(key) {
		return errors.New("key " + strconv.Quote(key) + " is not a valid NATS KV key (letters, digits, - / _ = . ; not starting or ending with .)")
	}
	reply, err := messaging.Request("$KV."+bucket+"."+key, value, PutTimeoutMs)
	if err != nil {
		return errors.New("put " + key + " into bucket " + bucket + ": " + err.Error() + " (does the bucket exist?)")
	}
	var ack pubAck
	if err := json.Unmarshal(reply.Body, &ack); err != nil {
		return errors.New("put " + key + " into bucket " + bucket + ": unexpected answer " + strconv.Quote(string(reply.Body)))
	}
	if ack.Error != nil {
		return errors.New("put " + key + " into bucket " + bucket + ": " + ack.Error.Description + " (" + strconv.Itoa(ack.Error.Code) + ")")
	}
	if ack.Stream != "KV_"+bucket || ack.Seq == 0 {
		return errors.New("put " + key + " into bucket " + bucket + ": not stored (answer " + strconv.Quote(string(reply.Body)) + ")")
	}
	return nil
}
