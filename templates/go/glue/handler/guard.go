package handler

import (
	"errors"

	"pelato.local/task/glue/logging"
	"pelato.local/task/glue/panics"
)

// Guard runs f, turning a panic into an error (logged with its stack), so an entry point
// other than handle-message (an HTTP request, say) keeps the component serving too.
func Guard(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(panics.Message(r))
			logging.Log(logging.Error, "pelato", panics.Report("exec_task", r))
		}
	}()
	f()
	return nil
}
