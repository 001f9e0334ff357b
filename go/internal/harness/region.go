package harness

import (
	"context"
	"runtime/pprof"

	"mapamp/internal/valgrind"
)

// RegionFrame is the function every measured region runs in: the CPU
// profile's stacks are cut there, and callgrind collects only inside it.
const RegionFrame = "mapamp/internal/harness.measuredRegion"

// measuredRegion runs f as the measured region. Never inlined, so its
// frame shows in every stack sampled inside the region.
//
//go:noinline
func measuredRegion(f func()) {
	f()
}

// runRegion runs f as the measured region; under callgrind started with
// --instr-atstart=no, instrumentation is switched on just before the
// region's frame is entered and off after it returns.
func runRegion(f func()) {
	valgrind.StartInstrumentation()
	measuredRegion(f)
	valgrind.StopInstrumentation()
}

// runRegionLabelled runs f as the measured region with the pprof label
// mapamp=region, so `go tool pprof -tagfocus=mapamp=region` keeps only it.
func runRegionLabelled(f func()) {
	pprof.Do(context.Background(), pprof.Labels("mapamp", "region"), func(context.Context) {
		measuredRegion(f)
	})
}
