package tasks

func exec_task(arg string) string { return arg }
