package main

func run(arg string) string { return arg }
