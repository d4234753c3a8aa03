package handler

import (
	"fmt"
	"runtime/debug"

	"pelato.local/task/glue/logging"
)

// Guard runs f, turning a panic into an error (logged with its stack), so an entry point
// other than handle-message (an HTTP request, say) keeps the component serving too.
func Guard(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
			logging.Log(logging.Error, "pelato", fmt.Sprintf("panic in exec_task: %v\n%s", r, debug.Stack()))
		}
	}()
	f()
	return nil
}
