package main

func exec_task(arg int) string { return "" }
