package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mapamp/internal/rtmap"
)

func spec(scenario string, n int) *Spec {
	return &Spec{
		Scenario: scenario, N: n, Keys: "random", KeySize: 8, ValueSize: 8,
		ChurnRounds: 1, Seed: 1, TimeSamples: 3, TimeMs: 1, WarmupMs: 0,
	}
}

// The same first values as src/rng.rs and src/workload.rs give (checked
// on the Rust side by tests/it/go_profiles.rs): a Go cell writes the model
// cell's key ids.
func TestKeyStreamsMatchTheRustModels(t *testing.T) {
	r := newRng(7)
	for i, want := range []uint64{0xb358faf74ef9765a, 0x475c3d964f482cd2, 0xd6f1d349952c7996} {
		if got := r.next(); got != want {
			t.Fatalf("Rng(7) value %d: %#x, want %#x", i, got, want)
		}
	}
	s := newKeySource(false, 1)
	for i, want := range []uint64{0x6934f5ba71994f15, 0xe0189364d6c51622, 0xcb5054888e90a21c} {
		if got := s.fresh(); got != want {
			t.Fatalf("random key %d of seed 1: %#x, want %#x", i, got, want)
		}
	}
}

func TestKeyStreamsAreDistinctAndRepeatable(t *testing.T) {
	a, b := newKeySource(false, 3), newKeySource(false, 3)
	seen := map[uint64]bool{}
	for i := 0; i < 1000; i++ {
		x := a.fresh()
		if x != b.fresh() || seen[x] {
			t.Fatalf("key %d: not repeatable or not distinct", i)
		}
		seen[x] = true
	}
	s := newKeySource(true, 0)
	if s.fresh() != 1 || s.fresh() != 2 {
		t.Fatal("sequential ids start at 1")
	}
	k := fromID[[4]uint64](42)
	if k[0] != 42 || k[1] == 0 || k[1] == k[2] {
		t.Fatalf("a wide key carries the id in word 0 and derived words after: %v", k)
	}
	z := newZipf(1000, 1)
	top := 0
	for i := 0; i < 20000; i++ {
		r := z.nextRank()
		if r < 1 || r > 1000 {
			t.Fatalf("rank %d out of range", r)
		}
		if r == 1 {
			top++
		}
	}
	if top < 2200 || top > 3200 { // P(1) = 1/H(1000) ~ 0.134
		t.Fatalf("rank 1 drawn %d times of 20000", top)
	}
}

func TestEveryScenarioRunsAndReportsItsUnits(t *testing.T) {
	for _, sc := range []string{"assign", "insert", "update", "churn", "evacuate_double"} {
		res, err := Run(spec(sc, 2048))
		if err != nil {
			t.Fatalf("%s: %v", sc, err)
		}
		if res.Units == 0 || len(res.Samples) != 3 || res.Design != rtmap.Design || res.Structure == nil {
			t.Fatalf("%s: units %d, %d samples, design %q", sc, res.Units, len(res.Samples), res.Design)
		}
		for _, s := range res.Samples {
			if s.RegionNs <= 0 {
				t.Fatalf("%s: a region took %d ns", sc, s.RegionNs)
			}
		}
	}
}

func TestInsertsAllocateAndPresizingAllocatesLess(t *testing.T) {
	plain, err := Run(spec("insert", 20000))
	if err != nil {
		t.Fatal(err)
	}
	sp := spec("insert", 20000)
	sp.Hint = 20000
	presized, err := Run(sp)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plain.Samples {
		p, q := plain.Samples[i], presized.Samples[i]
		if p.HeapBytes == 0 || p.HeapObjects == 0 {
			t.Fatalf("20000 inserts into an empty map allocated %d bytes in %d objects", p.HeapBytes, p.HeapObjects)
		}
		if q.HeapBytes >= p.HeapBytes {
			t.Fatalf("presized: %d bytes, not less than %d without a hint", q.HeapBytes, p.HeapBytes)
		}
	}
}

func TestLatencyAndProfileLenses(t *testing.T) {
	sp := spec("insert", 50000)
	sp.Lenses = []string{"latency", "flamegraph"}
	sp.FlamegraphMs = 50
	sp.FlamegraphHz = 997
	sp.ProfileFile = filepath.Join(t.TempDir(), "cell", "profile.pb.gz")
	res, err := Run(sp)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.LatencyNs) != 50000 {
		t.Fatalf("%d latencies for 50000 inserts", len(res.LatencyNs))
	}
	if res.Profile == nil {
		t.Fatalf("no profile: %s", res.ProfileUnavailable)
	}
	if fi, err := os.Stat(sp.ProfileFile); err != nil || fi.Size() == 0 {
		t.Fatalf("profile file: %v", err)
	}
	if res.Profile.RegionFrame != RegionFrame || res.Profile.Regions < 1 {
		t.Fatalf("profile info %+v", res.Profile)
	}
}

func TestBadSpecsAreRefusedWithTheValidChoices(t *testing.T) {
	sp := spec("insert", 10)
	sp.KeySize = 24
	if _, err := Run(sp); err == nil || !strings.Contains(err.Error(), "8, 16, 32, 64, 128, 256") {
		t.Fatalf("key size 24: %v", err)
	}
	sp = spec("insert", 10)
	sp.ValueSize = 7
	if _, err := Run(sp); err == nil || !strings.Contains(err.Error(), "value_size = 7") {
		t.Fatalf("value size 7: %v", err)
	}
	if _, err := Run(spec("locate", 10)); err == nil || !strings.Contains(err.Error(), "supported: assign") {
		t.Fatalf("scenario locate: %v", err)
	}
	sp = spec("insert", 10)
	sp.Keys = "colliding"
	if _, err := Run(sp); err == nil || !strings.Contains(err.Error(), "random, sequential, zipf") {
		t.Fatalf("keys colliding: %v", err)
	}
}

func TestWideKeysAndValuesRun(t *testing.T) {
	sp := spec("insert", 500)
	sp.KeySize, sp.ValueSize = 32, 256
	sp.Lenses = []string{"accounting"}
	res, err := Run(sp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Units != 500 {
		t.Fatalf("units %d", res.Units)
	}
}

// With a sample target, profiling stops once the profile holds about that
// many region samples, long before the time budget; without one it runs
// for the budget. The count is of labelled region samples only.
func TestTheProfileStopsAtTheSampleTarget(t *testing.T) {
	sp := spec("insert", 20000)
	sp.Lenses = []string{"flamegraph"}
	// A first profile runs a tenth of the cap (1 s here): on an idle machine
	// that alone holds the 30 samples; under heavy load (load average 13 on
	// 2 cores) a 4 s cap (a 0.4 s first profile) once ended with 8 region
	// samples, the rate estimate sizing the second profile too short.
	sp.FlamegraphMs = 10000
	sp.FlamegraphHz = 997
	sp.FlamegraphSamples = 30
	sp.ProfileFile = filepath.Join(t.TempDir(), "profile.pb.gz")
	res, err := Run(sp)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Profile
	if p == nil {
		t.Fatalf("no profile: %s", res.ProfileUnavailable)
	}
	if p.SamplesTarget != 30 || p.RegionSamples < 15 || p.RegionNs+p.CalibrationNs >= 10000e6 {
		t.Fatalf("target 30 within the 10 s cap: %+v", p)
	}
	t.Logf("target 30: %d region samples in %d ms of regions (+%d ms measuring the rate)", p.RegionSamples, p.RegionNs/1e6, p.CalibrationNs/1e6)
	gz, err := os.ReadFile(sp.ProfileFile)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := regionSamples(gz); err != nil || n != p.RegionSamples {
		t.Fatalf("the file holds %d region samples (%v), the answer says %d", n, err, p.RegionSamples)
	}
	sp.FlamegraphSamples = 0
	sp.FlamegraphMs = 200
	if res, err = Run(sp); err != nil || res.Profile == nil {
		t.Fatalf("%v %+v", err, res)
	}
	if p := res.Profile; p.RegionNs < 200e6 || p.CalibrationNs != 0 {
		t.Fatalf("no target, 200 ms: %+v", p)
	}
}
