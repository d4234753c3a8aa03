//go:build ignore

package main

func exec_task(arg string) string { return arg }
