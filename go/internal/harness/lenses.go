package harness

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"time"

	"mapamp/internal/rtmap"
	"mapamp/mapstats"
)

// Run measures one cell: every lens asked for, plus the runtime's own
// figures (allocations, GC, structure), which always come.
func Run(spec *Spec) (res *Result, err error) {
	return dispatch(spec, func(r runner) (*Result, error) { return r.measure(spec) })
}

// RunRegion prepares the cell and runs its region once (for callgrind).
func RunRegion(spec *Spec) error {
	_, err := dispatch(spec, func(r runner) (*Result, error) { return nil, r.regionOnce(spec) })
	return err
}

// runner is one cell's code for its key and value types.
type runner interface {
	measure(spec *Spec) (*Result, error)
	regionOnce(spec *Spec) error
	types() (key, value reflect.Type)
}

type typed[K comparable, V any] struct{}

func (typed[K, V]) types() (reflect.Type, reflect.Type) {
	return reflect.TypeOf((*K)(nil)).Elem(), reflect.TypeOf((*V)(nil)).Elem()
}

// dispatch picks the key and value types of spec (a named Go type, see
// types.go; else uint64 for 8 bytes, arrays of uint64 otherwise) and runs
// f with them; a panic becomes an error.
func dispatch(spec *Spec, f func(runner) (*Result, error)) (res *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("the cell panicked: %v", p)
		}
	}()
	if spec.KeyType != "" || spec.ValueType != "" {
		return dispatchNamed(spec, f)
	}
	switch spec.KeySize {
	case 8:
		return withValue[uint64](spec, f)
	case 16:
		return withValue[[2]uint64](spec, f)
	case 32:
		return withValue[[4]uint64](spec, f)
	case 64:
		return withValue[[8]uint64](spec, f)
	case 128:
		return withValue[[16]uint64](spec, f)
	case 256:
		return withValue[[32]uint64](spec, f)
	}
	return nil, fmt.Errorf("key_size = %d is not supported by the Go harness; supported sizes (bytes): %s", spec.KeySize, supportedSizes)
}

const supportedSizes = "8, 16, 32, 64, 128, 256"

func withValue[K comparable](spec *Spec, f func(runner) (*Result, error)) (*Result, error) {
	switch spec.ValueSize {
	case 8:
		return f(typed[K, uint64]{})
	case 16:
		return f(typed[K, [2]uint64]{})
	case 32:
		return f(typed[K, [4]uint64]{})
	case 64:
		return f(typed[K, [8]uint64]{})
	case 128:
		return f(typed[K, [16]uint64]{})
	case 256:
		return f(typed[K, [32]uint64]{})
	}
	return nil, fmt.Errorf("value_size = %d is not supported by the Go harness; supported sizes (bytes): %s", spec.ValueSize, supportedSizes)
}

func (typed[K, V]) regionOnce(spec *Spec) error {
	p, err := prepare[K, V](spec)
	if err != nil {
		return err
	}
	p.run()
	return nil
}

func (typed[K, V]) measure(spec *Spec) (*Result, error) {
	first, err := prepare[K, V](spec)
	if err != nil {
		return nil, err
	}
	res := &Result{
		GoVersion:  runtime.Version(),
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GOGC:       os.Getenv("GOGC"),
		GOMEMLIMIT: os.Getenv("GOMEMLIMIT"),
		Design:     rtmap.Design,
		Units:      first.units,
		UnitsName:  first.unitsName,
		TimeAsked:  spec.wants("time"),
	}
	if spec.wants("accounting") {
		obs, observed, err := newObserver(first.m)
		if err != nil {
			res.AccountingUnavailable = err.Error()
			first.run()
		} else {
			first.runObserved(obs)
			res.Accounting = observed
		}
	} else {
		first.run()
	}
	st, err := mapstats.Stats(first.m)
	if err != nil {
		return nil, err
	}
	res.Structure = st
	first = nil
	for i := 1; res.Accounting != nil && i < spec.AccountingRuns; i++ {
		p, err := prepare[K, V](spec)
		if err != nil {
			return nil, err
		}
		obs, observed, err := newObserver(p.m)
		if err != nil {
			return nil, err
		}
		p.runObserved(obs)
		res.AccountingRuns = append(res.AccountingRuns, observed)
	}

	mr := newMetricsReader()
	res.GCCPUUnavailable = mr.gcCPUUnavailable
	warm := time.Now()
	for time.Since(warm) < time.Duration(spec.WarmupMs)*time.Millisecond {
		p, err := prepare[K, V](spec)
		if err != nil {
			return nil, err
		}
		p.run()
	}
	res.WarmupMs = time.Since(warm).Milliseconds()
	samples := spec.TimeSamples
	if samples < 3 {
		samples = 3
	}
	deadline := time.Now().Add(time.Duration(spec.TimeMs) * time.Millisecond)
	for i := 0; i < samples; i++ {
		if i >= 3 && time.Now().After(deadline) {
			break
		}
		s, err := sampleRegion[K, V](spec, mr)
		if err != nil {
			return nil, err
		}
		res.Samples = append(res.Samples, s)
	}

	if spec.wants("latency") {
		runtime.GC()
		p, err := prepare[K, V](spec)
		if err != nil {
			return nil, err
		}
		runtime.GC()
		ns := make([]int64, 0, len(p.ops)+len(p.drive))
		p.ran = true
		runRegion(func() { p.regionTimed(&ns) })
		res.LatencyNs = ns
		res.TimerOverheadNs = timerOverhead()
	}
	if spec.wants("flamegraph") {
		info, err := profileRegions[K, V](spec)
		if err != nil {
			res.ProfileUnavailable = err.Error()
		} else {
			res.Profile = info
		}
	}
	return res, nil
}

// sampleRegion times one region on a fresh map. The collector runs before
// the setup and again before the region, so every region starts from the
// same state — a heap holding only the setup's live data — and the GC work
// in it is caused by the region's own allocations.
func sampleRegion[K comparable, V any](spec *Spec, mr *metricsReader) (Sample, error) {
	runtime.GC()
	p, err := prepare[K, V](spec)
	if err != nil {
		return Sample{}, err
	}
	region := p.region
	p.ran = true
	runtime.GC()
	before := mr.read()
	t := time.Now()
	runRegion(region)
	ns := time.Since(t).Nanoseconds()
	after := mr.read()
	runtime.KeepAlive(p)
	s := Sample{
		RegionNs:    ns,
		HeapBytes:   after.heapBytes - before.heapBytes,
		HeapObjects: after.heapObjects - before.heapObjects,
		TinyAllocs:  after.tiny - before.tiny,
		GCCycles:    after.gcCycles - before.gcCycles,
	}
	if mr.gcCPUUnavailable == "" {
		d := after.gcCPU - before.gcCPU
		s.GCCPUSeconds = &d
	}
	return s, nil
}

// timerOverhead is the median cost of time.Now and time.Since back to back.
func timerOverhead() int64 {
	ns := make([]int64, 1001)
	for i := range ns {
		t := time.Now()
		ns[i] = int64(time.Since(t))
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i] < ns[j] })
	return ns[len(ns)/2]
}

const (
	mHeapBytes   = "/gc/heap/allocs:bytes"
	mHeapObjects = "/gc/heap/allocs:objects"
	mTiny        = "/gc/heap/tiny/allocs:objects"
	mGCCycles    = "/gc/cycles/total:gc-cycles"
	mGCCPU       = "/cpu/classes/gc/total:cpu-seconds"
)

// metricsReader reads the runtime/metrics the Sample fields come from.
type metricsReader struct {
	samples          []metrics.Sample
	gcCPUUnavailable string
	mem              runtime.MemStats
}

type metricsSnapshot struct {
	heapBytes, heapObjects, tiny, gcCycles uint64
	gcCPU                                  float64
}

func newMetricsReader() *metricsReader {
	r := &metricsReader{}
	known := map[string]bool{}
	for _, d := range metrics.All() {
		known[d.Name] = true
	}
	names := []string{mHeapBytes, mHeapObjects, mTiny, mGCCycles}
	if known[mGCCPU] {
		names = append(names, mGCCPU)
	} else {
		r.gcCPUUnavailable = fmt.Sprintf("runtime/metrics of %s has no %s (added in Go 1.20)", runtime.Version(), mGCCPU)
	}
	for _, n := range names {
		r.samples = append(r.samples, metrics.Sample{Name: n})
	}
	// The first readings initialise the runtime's metrics tables, which
	// allocates (about 9 KB on Go 1.19, 19 KB on Go 1.26): done here, not
	// around the first region.
	r.read()
	r.read()
	return r
}

// read flushes every P's allocation cache first (runtime.ReadMemStats,
// which stops the world): runtime/metrics counts a small object only when
// the span it came from leaves a P's cache, so without the flush the
// deltas would miss the region's last allocations.
func (r *metricsReader) read() metricsSnapshot {
	runtime.ReadMemStats(&r.mem)
	metrics.Read(r.samples)
	var s metricsSnapshot
	for _, m := range r.samples {
		switch m.Name {
		case mHeapBytes:
			s.heapBytes = m.Value.Uint64()
		case mHeapObjects:
			s.heapObjects = m.Value.Uint64()
		case mTiny:
			s.tiny = m.Value.Uint64()
		case mGCCycles:
			s.gcCycles = m.Value.Uint64()
		case mGCCPU:
			s.gcCPU = m.Value.Float64()
		}
	}
	return s
}

// profileRegions profiles fresh regions (each with the pprof label
// mapamp=region) until the profile holds spec.FlamegraphSamples region
// samples or the regions add up to spec.FlamegraphMs, whichever first
// (and never beyond four times FlamegraphMs of wall clock).
//
// The runtime's profiler gives no sample count while it runs, so the
// sample target is met in at most two profiles: a first one of a tenth of
// the time budget, whose region samples are counted (regionSamples); if it
// reached the target it is the profile; otherwise its rate (region samples
// per region second) sizes a second, fresh profile to reach the target
// within what is left of the budget, and that one is kept. Without a
// sample target one profile runs for the whole budget.
func profileRegions[K comparable, V any](spec *Spec) (*ProfileInfo, error) {
	if spec.ProfileFile == "" {
		return nil, fmt.Errorf("no profile file given")
	}
	hz := spec.FlamegraphHz
	if hz <= 0 {
		hz = 100
	}
	if err := os.MkdirAll(filepath.Dir(spec.ProfileFile), 0o755); err != nil {
		return nil, err
	}
	budget := time.Duration(spec.FlamegraphMs) * time.Millisecond
	start := time.Now()
	target := int64(spec.FlamegraphSamples)
	first := budget
	if target > 0 {
		first = budget / 10
	}
	run, err := profileFor[K, V](spec, hz, first, 4*budget)
	if err != nil {
		return nil, err
	}
	calibrationNs := int64(0)
	if target > 0 && run.samples < target && run.inRegion < budget {
		left := budget - run.inRegion
		need := left
		if run.samples > 0 {
			// 10% over the rate's estimate, within the budget left.
			est := time.Duration(float64(run.inRegion) * float64(target) / float64(run.samples) * 1.1)
			if est < need {
				need = est
			}
		}
		calibrationNs = run.inRegion.Nanoseconds()
		run, err = profileFor[K, V](spec, hz, need, 4*budget-time.Since(start))
		if err != nil {
			return nil, err
		}
	}
	wall := time.Since(start)
	tmp := spec.ProfileFile + ".tmp"
	if err := os.WriteFile(tmp, run.gz, 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, spec.ProfileFile); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return &ProfileInfo{File: spec.ProfileFile, Regions: run.regions, RegionNs: run.inRegion.Nanoseconds(), WallNs: wall.Nanoseconds(), Hz: hz, RegionFrame: RegionFrame,
		RegionSamples: run.samples, SamplesTarget: target, CalibrationNs: calibrationNs}, nil
}

// profiled is one CPU profile of regions: its bytes (gzipped pprof), the
// regions run, their total time and the region samples it holds.
type profiled struct {
	gz       []byte
	regions  int
	inRegion time.Duration
	samples  int64
}

// profileFor profiles fresh regions until they add up to regionTime or
// wallCap of wall clock has passed (at least one region).
func profileFor[K comparable, V any](spec *Spec, hz int, regionTime, wallCap time.Duration) (*profiled, error) {
	var buf bytes.Buffer
	// pprof.StartCPUProfile asks for 100 Hz; a rate set just before wins
	// (the runtime then prints that it cannot change a running rate).
	runtime.SetCPUProfileRate(hz)
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return nil, fmt.Errorf("cannot start the CPU profile: %v", err)
	}
	start := time.Now()
	out := &profiled{}
	for out.regions == 0 || (out.inRegion < regionTime && time.Since(start) < wallCap) {
		p, err := prepare[K, V](spec)
		if err != nil {
			pprof.StopCPUProfile()
			return nil, err
		}
		region := p.region
		p.ran = true
		t := time.Now()
		runRegionLabelled(region)
		out.inRegion += time.Since(t)
		out.regions++
	}
	pprof.StopCPUProfile()
	out.gz = buf.Bytes()
	n, err := regionSamples(out.gz)
	if err != nil {
		return nil, err
	}
	out.samples = n
	return out, nil
}

// Version describes the runtime: its release, design and whether the
// mirrors of its map structures check out.
func Version() map[string]string {
	out := map[string]string{
		"go_version": runtime.Version(),
		"design":     rtmap.Design,
		"goos":       runtime.GOOS,
		"goarch":     runtime.GOARCH,
		"layout":     "ok",
	}
	if err := mapstats.CheckLayout(); err != nil {
		out["layout"] = err.Error()
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		out["module"] = bi.Main.Path
	}
	return out
}
