// unquote reads one Go string literal per line on stdin and prints each value as a JSON
// string, so tests can check that what pelatod writes into Go means what the workflow said.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		v, err := strconv.Unquote(in.Text())
		if err != nil {
			fmt.Fprintf(os.Stderr, "not a Go string literal: %s: %v\n", in.Text(), err)
			os.Exit(1)
		}
		_ = out.Encode(v)
	}
}
