// Package valgrind sends callgrind's client requests to switch its
// instrumentation on and off (valgrind.h, CALLGRIND_START_INSTRUMENTATION
// and CALLGRIND_STOP_INSTRUMENTATION), so a program run under
// `valgrind --tool=callgrind --instr-atstart=no` is instrumented only
// while it measures. Outside valgrind the requests do nothing; on targets
// other than amd64 they are empty functions.
package valgrind

const (
	// callgrindBase is VG_USERREQ_TOOL_BASE('C', 'T').
	callgrindBase        = uint64('C')<<24 | uint64('T')<<16
	startInstrumentation = callgrindBase + 4
	stopInstrumentation  = callgrindBase + 5
)

// StartInstrumentation asks callgrind to start instrumenting.
func StartInstrumentation() {
	args := [6]uint64{startInstrumentation}
	clientRequest(&args)
}

// StopInstrumentation asks callgrind to stop instrumenting.
func StopInstrumentation() {
	args := [6]uint64{stopInstrumentation}
	clientRequest(&args)
}
