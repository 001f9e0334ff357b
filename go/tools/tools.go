//go:build tools

// Package tools pins the Go tools mapamp's tests use, in a module of their
// own so that the harness module (..) stays free of dependencies:
// benchstat (golang.org/x/perf) reads the bench.txt every run writes.
package tools

import _ "golang.org/x/perf/cmd/benchstat"
