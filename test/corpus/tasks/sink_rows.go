package main

import "encoding/json"

// The reading as it came, with its sequence number doubled: a row per message (the sink tests).
// A reading marked "poison" panics (under TinyGo the instance traps: nothing recovers it).
func exec_task(arg string) string {
	var in map[string]any
	if err := json.Unmarshal([]byte(arg), &in); err != nil {
		return ""
	}
	if in["poison"] == true {
		panic("a poison reading")
	}
	if n, ok := in["seq"].(float64); ok {
		in["doubled"] = n * 2
	}
	out, _ := json.Marshal(in)
	return string(out)
}
