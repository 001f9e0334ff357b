// Package harness runs mapamp's scenarios on the Go runtime's own map and
// measures them: one cell (scenario × N × hint × keys × key and value
// size) per call, read from a JSON Spec, answered with a JSON Result.
//
// The scenarios are the Rust side's (src/scenario/): the same setup, the
// same key ids in the same order, the same measured region, here on
// `map[K]V` with K and V fixed-size arrays of uint64 (plain uint64 for 8
// bytes, so the runtime's 64-bit fast paths are used as a Go program's
// map[uint64]uint64 would). What only the real runtime decides — its hash
// seed, hence which keys share a bucket — differs from map to map, so
// figures that depend on it are reported per sample.
//
// The measured region runs inside measuredRegion (never inlined): CPU
// profiles keep only stacks through it, callgrind counts only inside it.
package harness

// Spec is one cell, as the Rust side sends it.
type Spec struct {
	// Scenario: assign, overflow, evacuate_double, evacuate_same_size,
	// insert, churn, update.
	Scenario string `json:"scenario"`
	// N is the scenario's size (see src/scenario/mod.rs).
	N int `json:"n"`
	// Hint is the size hint of make (0: none), resolved by the Rust side
	// (the scenario decides it for assign and overflow).
	Hint int `json:"hint"`
	// Keys is the key distribution: random, sequential or zipf.
	Keys string `json:"keys"`
	// KeySize and ValueSize are in bytes: 8, 16, 32, 64, 128 or 256
	// (uint64 for 8, arrays of uint64 otherwise).
	KeySize   int `json:"key_size"`
	ValueSize int `json:"value_size"`
	// KeyType and ValueType name a Go type instead ("int32", "string",
	// "struct{}", ...; types.go lists them); when set they decide the
	// map's type and the size beside them is not used.
	KeyType   string `json:"key_type,omitempty"`
	ValueType string `json:"value_type,omitempty"`
	// ChurnRounds is the rounds of the churn scenario.
	ChurnRounds int `json:"churn_rounds"`
	// Seed fixes the key ids and the scenario's other choices.
	Seed uint64 `json:"seed"`
	// Lenses asked for: accounting, time, latency, flamegraph (the
	// runtime figures — allocations, GC, structure — always come).
	Lenses []string `json:"lenses"`
	// TimeSamples is the number of timed regions (at least 3).
	TimeSamples int `json:"time_samples"`
	// WarmupMs is the warm-up before timing.
	WarmupMs int `json:"warmup_ms"`
	// TimeMs caps the wall-clock time of the time lens (after 3 samples).
	TimeMs int `json:"time_ms"`
	// FlamegraphMs is the region time to profile; FlamegraphHz the rate;
	// FlamegraphSamples the region samples to stop at, if reached sooner
	// (0: no sample target).
	FlamegraphMs      int `json:"flamegraph_ms"`
	FlamegraphHz      int `json:"flamegraph_hz"`
	FlamegraphSamples int `json:"flamegraph_samples,omitempty"`
	// ProfileFile is where the CPU profile (pprof, gzipped) goes.
	ProfileFile string `json:"profile_file"`
	// AccountingRuns is how many observed region runs (each on a fresh
	// map, hence a fresh hash seed) the accounting lens makes; 0 means 1.
	AccountingRuns int `json:"accounting_runs,omitempty"`
}

// wants reports whether a lens was asked for.
func (s *Spec) wants(lens string) bool {
	for _, l := range s.Lenses {
		if l == lens {
			return true
		}
	}
	return false
}

// Result is everything measured for one cell.
type Result struct {
	// GoVersion, GOOS, GOARCH and GOMAXPROCS of the harness process.
	GoVersion  string `json:"go_version"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	// GOGC and GOMEMLIMIT as the process saw them (empty: Go's default).
	GOGC       string `json:"gogc"`
	GOMEMLIMIT string `json:"gomemlimit"`
	// Design is the runtime's map design: classic or swiss.
	Design string `json:"design"`
	// Units is the region's operation count the figures are per;
	// UnitsName what one is (writes, operations, entries evacuated).
	Units     uint64 `json:"units"`
	UnitsName string `json:"units_name"`
	// Samples are the timed regions, each a fresh setup.
	Samples []Sample `json:"samples"`
	// WarmupMs is the warm-up actually spent.
	WarmupMs int64 `json:"warmup_ms"`
	// TimeAsked reports whether the time lens was asked for (samples are
	// always taken, for the allocation and GC figures).
	TimeAsked bool `json:"time_asked"`
	// GCCPUUnavailable says why GC CPU time is not measured, when it is not.
	GCCPUUnavailable string `json:"gc_cpu_unavailable,omitempty"`
	// LatencyNs is every region operation's duration, when asked for.
	LatencyNs []int64 `json:"latency_ns,omitempty"`
	// TimerOverheadNs is the median cost of reading the clock twice.
	TimerOverheadNs int64 `json:"timer_overhead_ns,omitempty"`
	// Accounting is the observed structure changes of one region run.
	Accounting *Observed `json:"accounting,omitempty"`
	// AccountingRuns are the further observed runs Spec.AccountingRuns asked for.
	AccountingRuns []*Observed `json:"accounting_runs,omitempty"`
	// AccountingUnavailable says why there is no accounting, when asked.
	AccountingUnavailable string `json:"accounting_unavailable,omitempty"`
	// Structure is the map after one region run (mapstats).
	Structure any `json:"structure,omitempty"`
	// Profile describes the CPU profile, when asked for.
	Profile *ProfileInfo `json:"profile,omitempty"`
	// ProfileUnavailable says why there is no profile, when asked.
	ProfileUnavailable string `json:"profile_unavailable,omitempty"`
}

// Sample is one timed region and what the runtime counted meanwhile.
type Sample struct {
	// RegionNs is the region's wall-clock time.
	RegionNs int64 `json:"region_ns"`
	// HeapBytes and HeapObjects are /gc/heap/allocs:bytes and :objects
	// deltas; TinyAllocs the /gc/heap/tiny/allocs:objects delta.
	HeapBytes   uint64 `json:"heap_bytes"`
	HeapObjects uint64 `json:"heap_objects"`
	TinyAllocs  uint64 `json:"tiny_allocs"`
	// GCCycles is the /gc/cycles/total:gc-cycles delta.
	GCCycles uint64 `json:"gc_cycles"`
	// GCCPUSeconds is the /cpu/classes/gc/total:cpu-seconds delta (Go 1.20+).
	GCCPUSeconds *float64 `json:"gc_cpu_seconds,omitempty"`
}

// ProfileInfo describes the CPU profile written to Spec.ProfileFile.
type ProfileInfo struct {
	// File is the profile's path.
	File string `json:"file"`
	// Regions is the number of regions profiled; RegionNs their total time.
	Regions  int   `json:"regions"`
	RegionNs int64 `json:"region_ns"`
	// WallNs is the wall-clock time of the whole profile, setups included.
	WallNs int64 `json:"wall_ns"`
	// Hz is the sampling rate asked for.
	Hz int `json:"hz"`
	// RegionFrame is the function every region stack passes through.
	RegionFrame string `json:"region_frame"`
	// RegionSamples is the samples labelled mapamp=region in the profile;
	// SamplesTarget the target it was profiled for (0: none).
	RegionSamples int64 `json:"region_samples"`
	SamplesTarget int64 `json:"samples_target"`
	// CalibrationNs is the region time of a first profile that measured
	// the sample rate and was not kept (0: the profile is the first).
	CalibrationNs int64 `json:"calibration_ns"`
}
