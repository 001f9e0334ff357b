//go:build go1.24

// Command swissref measures Go's Swiss-table map (Go 1.24+,
// internal/runtime/maps) from inside the real runtime and writes reference
// data as JSON for mapamp's goswiss model (tests/it/goswiss_go126.rs).
//
// It reads the runtime's private map header (maps.Map) and its tables
// (maps.table) through mapamp/internal/rtmap's unsafe mirrors, which must
// match Go 1.26's src/internal/runtime/maps/map.go and table.go on a
// 64-bit target. checkLayout verifies them against len(m) and the
// runtime's own invariants before anything is recorded.
//
// Usage (from the repository root):
//
//	cd go && go run ./cmd/swissref -out ../tests/data/go126
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"unsafe"
)

var outDir = flag.String("out", "tests/data/go126", "folder for the JSON files")

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "swissref: "+format+"\n", args...)
	os.Exit(2)
}

func writeJSON(name string, v any) {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		die("%v", err)
	}
	path := filepath.Join(*outDir, name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		die("%v", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		die("%v", err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", path)
}

func header(what string) map[string]any {
	return map[string]any{
		"go_version":  runtime.Version(),
		"goarch":      runtime.GOARCH,
		"description": what,
	}
}

// sink keeps maps on the heap (the compiler may otherwise place small
// maps and their first group on the stack).
var sink any

// keySource yields sequential (1, 2, 3, ...) or random distinct keys.
func keySource(random bool, seed int64) func() uint64 {
	if !random {
		var i uint64
		return func() uint64 { i++; return i }
	}
	r := rand.New(rand.NewSource(seed))
	seen := map[uint64]struct{}{}
	return func() uint64 {
		for {
			k := r.Uint64()
			if _, ok := seen[k]; !ok {
				seen[k] = struct{}{}
				return k
			}
		}
	}
}

// (a) Growth points: every insert that changes the table set, from 0 to n
// keys; the full table list at powers of two.
type growthEvent struct {
	N           int   `json:"n"`
	DirLen      int   `json:"dir_len"`
	GlobalDepth uint8 `json:"global_depth"`
	Tables      int   `json:"tables"`
	Slots       int   `json:"slots"`
}

func growth(n int, random bool, seed int64) map[string]any {
	m := map[uint64]uint64{}
	sink = m
	next := keySource(random, seed)
	var events []growthEvent
	last := growthEvent{}
	snapshots := map[string]any{}
	var dir []unsafe.Pointer // the directory after the last change
	s := open(m)
	for i := 1; i <= n; i++ {
		m[next()] = uint64(i)
		// Every growth replaces a table pointer (or the small group, or
		// the directory): read the whole map only then.
		if changed(s, dir) || i&(i-1) == 0 && i >= 1024 || i == n {
			st := readMap(m)
			e := growthEvent{N: i, DirLen: st.DirLen, GlobalDepth: st.GlobalDepth, Tables: len(st.Tables), Slots: st.Slots}
			if e.DirLen != last.DirLen || e.Tables != last.Tables || e.Slots != last.Slots {
				events = append(events, e)
				last = e
			}
			if i&(i-1) == 0 && i >= 1024 || i == n {
				snapshots[fmt.Sprint(i)] = summarize(st)
			}
			if s.Peek(0).DirLen == 0 {
				dir = nil
			} else {
				dir = s.Directory(dir)
			}
		}
	}
	checkLayout(m)
	return map[string]any{"random": random, "seed": seed, "n": n, "events": events, "snapshots": snapshots}
}

// summarize keeps the figures the model is compared on.
func summarize(st mapState) map[string]any {
	caps := map[int]int{}
	depths := map[int]int{}
	var used, growthLeft, tombstones int
	for _, t := range st.Tables {
		caps[int(t.Capacity)]++
		depths[int(t.LocalDepth)]++
		used += int(t.Used)
		growthLeft += int(t.GrowthLeft)
		tombstones += int(t.Tombstones)
	}
	return map[string]any{
		"used": st.Used, "dir_len": st.DirLen, "global_depth": st.GlobalDepth,
		"tables": len(st.Tables), "slots": st.Slots, "capacities": caps, "local_depths": depths,
		"growth_left": growthLeft, "tombstones": tombstones, "small": st.Small,
	}
}

// (b) Hint sizing: (dir_len, table capacity) is a step function of the hint
// (both monotone), so bisection over [0, max] finds every step exactly.
type hintStep struct {
	Hint     int `json:"hint"`
	DirLen   int `json:"dir_len"`
	Capacity int `json:"capacity"`
}

func hintShape(h int) hintStep {
	m := make(map[uint64]uint64, h)
	sink = m
	st := readMap(m)
	s := hintStep{Hint: h, DirLen: st.DirLen}
	for i, t := range st.Tables {
		if i > 0 && int(t.Capacity) != s.Capacity {
			die("hint %d: tables of different capacities", h)
		}
		s.Capacity = int(t.Capacity)
	}
	if st.DirLen > 0 && len(st.Tables) != st.DirLen {
		die("hint %d: %d tables for %d directory entries", h, len(st.Tables), st.DirLen)
	}
	return s
}

func hintSteps(max int) map[string]any {
	steps := []hintStep{hintShape(0)}
	var find func(lo, hi hintStep)
	find = func(lo, hi hintStep) {
		if lo.DirLen == hi.DirLen && lo.Capacity == hi.Capacity {
			return
		}
		if hi.Hint-lo.Hint == 1 {
			steps = append(steps, hi)
			return
		}
		mid := hintShape(lo.Hint + (hi.Hint-lo.Hint)/2)
		find(lo, mid)
		find(mid, hi)
		runtime.GC()
	}
	find(steps[0], hintShape(max))
	return map[string]any{"max_hint": max, "steps": steps}
}

// (c) Churn: insert live keys, then rounds of (delete the oldest, insert a
// new key) at a constant count; the tables after each round.
func churn(live, rounds int, seed int64) map[string]any {
	m := map[uint64]uint64{}
	sink = m
	next := keySource(true, seed)
	fifo := make([]uint64, 0, live)
	for i := 0; i < live; i++ {
		k := next()
		m[k] = k
		fifo = append(fifo, k)
	}
	var perRound []map[string]any
	perRound = append(perRound, summarize(readMap(m)))
	for r := 0; r < rounds; r++ {
		for i := 0; i < live; i++ {
			delete(m, fifo[0])
			fifo = fifo[1:]
			k := next()
			m[k] = k
			fifo = append(fifo, k)
		}
		perRound = append(perRound, summarize(readMap(m)))
	}
	checkLayout(m)
	return map[string]any{"live": live, "rounds": rounds, "seed": seed, "after_round": perRound}
}

// (d) Maximum load: a table filled to its last growthLeft (896 of 1024
// slots), or a large map just before its tables split: group fill and miss
// probe lengths (groups probed from every start group until one with an
// empty slot), read from control words (hit probes need the runtime's
// hasher, which user code cannot call).
func maxLoad(seed int64) map[string]any {
	m := map[uint64]uint64{}
	sink = m
	next := keySource(true, seed)
	for i := 0; i < 896; i++ {
		k := next()
		m[k] = k
	}
	st := readMap(m)
	if len(st.Tables) != 1 || st.Tables[0].Capacity != 1024 || st.Tables[0].GrowthLeft != 0 {
		die("max load: expected one full 1024-slot table, got %+v", st.Tables)
	}
	hist, miss := groupStats(m)
	return map[string]any{"seed": seed, "entries": 896, "group_fill_hist": hist, "missprobe": miss}
}

// (e) Heap bytes and objects of make(+hint) and n inserts: the runtime's
// cumulative allocation counters. runtime/metrics' /gc/heap/allocs:bytes
// and :objects count small objects only when a P's cache is flushed
// (measured here: 0 bytes for a 1000-key map), so the counters are read
// with runtime.ReadMemStats, which flushes every cache first; both are
// recorded.
var heapSamples = []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs:objects"}}

func allocCounters() (uint64, uint64, uint64, uint64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	metrics.Read(heapSamples)
	return ms.TotalAlloc, ms.Mallocs, heapSamples[0].Value.Uint64(), heapSamples[1].Value.Uint64()
}

func heap(n int, hinted bool, seeds int) map[string]any {
	keys := make([]uint64, n)
	next := keySource(true, 42)
	for i := range keys {
		keys[i] = next()
	}
	var bytes, objects, mBytes, mObjects []float64
	for s := 0; s < seeds; s++ {
		runtime.GC()
		b0, o0, mb0, mo0 := allocCounters()
		var m map[uint64]uint64
		if hinted {
			m = make(map[uint64]uint64, n)
		} else {
			m = make(map[uint64]uint64)
		}
		for _, k := range keys {
			m[k] = k
		}
		sink = m
		b1, o1, mb1, mo1 := allocCounters()
		bytes = append(bytes, float64(b1-b0))
		objects = append(objects, float64(o1-o0))
		mBytes = append(mBytes, float64(mb1-mb0))
		mObjects = append(mObjects, float64(mo1-mo0))
		sink = nil
	}
	return map[string]any{"n": n, "hint": hinted, "seeds": seeds, "bytes": stat(bytes), "objects": stat(objects),
		"metrics_bytes": stat(mBytes), "metrics_objects": stat(mObjects)}
}

func stat(xs []float64) map[string]float64 {
	sort.Float64s(xs)
	var s, s2 float64
	for _, x := range xs {
		s += x
	}
	mean := s / float64(len(xs))
	for _, x := range xs {
		s2 += (x - mean) * (x - mean)
	}
	sd := 0.0
	if len(xs) > 1 {
		sd = math.Sqrt(s2 / float64(len(xs)-1))
	}
	return map[string]float64{"mean": mean, "sd": sd, "min": xs[0], "max": xs[len(xs)-1]}
}

func main() {
	quick := flag.Bool("quick", false, "smaller N (a smoke run of the program itself)")
	flag.Parse()
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		die("%v", err)
	}
	checkLayout(map[uint64]uint64{1: 1})
	nGrowth, maxHint, seeds := 1_000_000, 1_000_000, 5
	if *quick {
		nGrowth, maxHint, seeds = 20_000, 20_000, 2
	}

	g := header("growth points: every insert that changes directory length, table count or total slots; table summaries at powers of two")
	var runs []any
	runs = append(runs, growth(nGrowth, false, 0))
	for s := 1; s <= seeds; s++ {
		runs = append(runs, growth(nGrowth, true, int64(s)))
	}
	g["runs"] = runs
	writeJSON("growth.json", g)

	h := hintSteps(maxHint)
	for k, v := range header("make(map[uint64]uint64, hint): every hint where directory length or table capacity changes, hints 0..max_hint") {
		h[k] = v
	}
	writeJSON("hints.json", h)

	c := header("churn at constant size: live keys inserted, then rounds of live × (delete oldest, insert new); table summary after each round")
	var churns []any
	for _, live := range []int{100, 200, 400, 700, 850, 5000, 50000} {
		for s := 1; s <= seeds; s++ {
			rounds := 50
			if live >= 5000 {
				rounds = 10
			}
			churns = append(churns, churn(live, rounds, int64(s)))
		}
	}
	c["runs"] = churns
	writeJSON("churn.json", c)

	p := header("maximum load: one 1024-slot table holding 896 random keys; group fill histogram and miss probe lengths from control words")
	var probes []any
	for s := 1; s <= 20; s++ {
		probes = append(probes, maxLoad(int64(s)))
	}
	p["runs"] = probes
	writeJSON("maxload.json", p)

	hp := header("heap bytes and objects (runtime.MemStats TotalAlloc/Mallocs; runtime/metrics /gc/heap/allocs as metrics_*) of make + n inserts of random uint64 keys, without and with hint n; includes the 48-byte map header")
	var heaps []any
	for _, n := range []int{1, 8, 9, 100, 1000, 10_000, 100_000, 1_000_000} {
		if *quick && n > 100_000 {
			continue
		}
		heaps = append(heaps, heap(n, false, 10), heap(n, true, 10))
	}
	hp["runs"] = heaps
	writeJSON("heap.json", hp)
}
