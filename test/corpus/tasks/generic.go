package main

func exec_task[T any](arg string) string { return arg }
