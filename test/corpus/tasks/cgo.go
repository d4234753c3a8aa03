package main

// #include <stdio.h>
import "C"

func exec_task(arg string) string { return arg }
