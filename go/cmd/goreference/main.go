//go:build !go1.24

// Command goreference measures Go's classic (pre-Swiss) map implementation from
// inside the real runtime and writes reference data as JSON for mapamp.
//
// It reads the runtime's private map header (hmap), its extra fields
// (mapextra) and the runtime's map type descriptor (maptype) through
// mapamp/internal/rtmap, whose unsafe mirrors must match Go 1.19's
// src/runtime/map.go and src/runtime/type.go (64-bit). The layout is
// verified at start-up (see checkLayout); the program builds only for
// Go < 1.24 (the classic map) and refuses a 32-bit target.
//
// Usage (from the repository root, with Debian's Go 1.19):
//
//	cd go && /usr/lib/go-1.19/bin/go run ./cmd/goreference -out ../data/go119
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"mapamp/internal/rtmap"
)

// ---------------------------------------------------------------------------
// The runtime's map structures, read through mapamp/internal/rtmap (its
// mirrors of Go 1.19's hmap, mapextra and maptype, checked by
// rtmap.CheckLayout).

//go:linkname roundupsize runtime.roundupsize
func roundupsize(size uintptr) uintptr

const (
	bucketCnt  = rtmap.BucketCnt
	minTopHash = rtmap.MinTopHash
	ptrSize    = unsafe.Sizeof(uintptr(0))
)

// hOf opens the runtime structures of a map (header and type descriptor).
func hOf(m any) *rtmap.Classic {
	c, err := rtmap.Open(m)
	if err != nil {
		die("%v", err)
	}
	return c
}

// sink forces maps to the heap, so the compiler cannot place the header or
// the first bucket on the stack (it does that for non-escaping small maps).
var sink any

//go:noinline
func newMap[K comparable, V any](hint int) map[K]V {
	m := make(map[K]V, hint)
	sink = m
	sink = nil
	return m
}

//go:noinline
func newMapNoHint() map[uint64]uint64 {
	m := make(map[uint64]uint64)
	sink = m
	sink = nil
	return m
}

// ---------------------------------------------------------------------------
// Key / value types: pointer-free, 8-byte aligned.

type (
	K8   = uint64
	K16  = [2]uint64
	K32  = [4]uint64
	K64  = [8]uint64
	K128 = [16]uint64
	K256 = [32]uint64
)

// ---------------------------------------------------------------------------
// Helpers.

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "goreference: FATAL: "+format+"\n", args...)
	os.Exit(1)
}

func check(cond bool, format string, args ...any) {
	if !cond {
		die(format, args...)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%7.2fs] "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
}

var start = time.Now()

var outDir string

func header(description string) map[string]any {
	return map[string]any{
		"go_version":   runtime.Version(),
		"goos":         runtime.GOOS,
		"goarch":       runtime.GOARCH,
		"generated_by": "go/cmd/goreference (cd go && go run ./cmd/goreference -out ../data/go119, with Go 1.19)",
		"description":  description,
	}
}

func writeJSON(name string, v map[string]any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep '<', '>' and '&' readable in descriptions
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		die("marshal %s: %v", name, err)
	}
	b := buf.Bytes()
	p := filepath.Join(outDir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		die("write %s: %v", p, err)
	}
	logf("wrote %s (%d bytes)", p, len(b))
}

// arrayBuckets is the total number of buckets makeBucketArray allocates for
// 2^b buckets of size bs (Go 1.19 formula): 2^b, plus 2^(b-4) overflow
// buckets when b >= 4, rounded up to the allocation size.
func arrayBuckets(b uint8, bs uintptr) uintptr {
	n := uintptr(1) << b
	if b >= 4 {
		n += uintptr(1) << (b - 4)
		sz := bs * n
		if up := roundupsize(sz); up != sz {
			n = up / bs
		}
	}
	return n
}

// bForHint is Go 1.19's makemap loop: smallest B with !overLoadFactor(hint, B).
func bForHint(hint int) int {
	b := 0
	for hint > bucketCnt && uintptr(hint) > 13*((uintptr(1)<<b)/2) {
		b++
	}
	return b
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// ---------------------------------------------------------------------------
// Layout self-check.

func checkLayout() {
	check(ptrSize == 8, "only 64-bit targets are supported")
	v := runtime.Version()
	if strings.HasPrefix(v, "go1.") {
		minor, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(v, "go1."), ".", 2)[0])
		check(minor < 24, "%s uses Swiss-table maps; need Go < 1.24", v)
		if minor != 19 {
			logf("WARNING: mirrors were written for Go 1.19, running %s", v)
		}
	}
	// Struct sizes, the maptype of map[uint64]uint64 (key and element
	// sizes, bucket size 144, no pointers), B after 100 inserts, a walk of
	// the buckets that finds exactly the map's entries, and the indirect
	// key of a 256-byte key type.
	if err := rtmap.CheckLayout(); err != nil {
		die("%v", err)
	}
	m := newMap[uint64, uint64](0)
	h := hOf(m)
	check(h.KeySize() == 8 && h.ElemSize() == 8 && h.KeySlotSize() == 8 && h.ElemSlotSize() == 8, "key/elem size")
	hd := h.Header()
	check(hd.B == 0 && hd.Count == 0 && hd.Buckets == nil && hd.OldBuckets == nil, "fresh map header")
	m2 := newMap[K256, K8](0)
	h2 := hOf(m2)
	check(h2.IndirectKey() && !h2.IndirectElem() && h2.KeySlotSize() == 8 && h2.KeySize() == 256,
		"K256 key should be indirect")
	check(!h2.PointerFree(), "indirect-key bucket should have pointers")
	runtime.KeepAlive(m)
	runtime.KeepAlive(m2)
	logf("layout check OK (%s %s/%s)", v, runtime.GOOS, runtime.GOARCH)
}

// ---------------------------------------------------------------------------
// Growth tracking.

type growEvent struct {
	Op                int    `json:"op"`
	Phase             string `json:"phase,omitempty"`
	Kind              string `json:"kind"`
	CountBefore       int    `json:"count_before"`
	BFrom             int    `json:"b_from"`
	BTo               int    `json:"b_to"`
	NoverflowBefore   int    `json:"noverflow_before"`
	CompletedAtOp     int    `json:"completed_at_op"`
	CompletedSameOp   bool   `json:"completed_in_same_op"`
	completedRecorded bool
}

// tracker watches a map header between operations. A grow is detected by
// the buckets pointer changing (hashGrow always allocates a new array while
// the old one is still referenced, so the address must differ); this also
// catches grows that start and finish inside one insert (B 0->1, 1->2),
// which a pure oldbuckets nil->non-nil check misses.
type tracker struct {
	h             *rtmap.Classic
	lastBuckets   unsafe.Pointer
	lastB         uint8
	lastGrowing   bool
	lastNoverflow uint16
	lastCount     int
	events        []growEvent
	doubling      int
	sameSize      int
}

func newTracker(h *rtmap.Classic) *tracker {
	t := &tracker{h: h}
	t.sync()
	return t
}

func (t *tracker) sync() {
	h := t.h.Header()
	t.lastBuckets = h.Buckets
	t.lastB = h.B
	t.lastGrowing = h.Growing()
	t.lastNoverflow = h.Noverflow
	t.lastCount = h.Count
}

// observe must be called after every map operation. op is the 1-based
// operation number (for inserts-only workloads, the count after the insert).
func (t *tracker) observe(op int, phase string) {
	h := t.h.Header()
	growing := h.Growing()
	if t.lastBuckets != nil && h.Buckets != t.lastBuckets {
		check(!t.lastGrowing, "grow started while growing?")
		ev := growEvent{Op: op, Phase: phase, CountBefore: t.lastCount, BFrom: int(t.lastB), BTo: int(h.B),
			NoverflowBefore: int(t.lastNoverflow)}
		switch {
		case h.B == t.lastB+1:
			ev.Kind = "doubling"
			t.doubling++
			check(!growing || !h.SameSizeGrowing(), "doubling with sameSizeGrow flag")
		case h.B == t.lastB:
			ev.Kind = "same_size"
			t.sameSize++
			check(!growing || h.SameSizeGrowing(), "same-size grow without flag")
		default:
			die("B jumped %d -> %d", t.lastB, h.B)
		}
		if !growing {
			ev.CompletedAtOp = op
			ev.CompletedSameOp = true
			ev.completedRecorded = true
		}
		t.events = append(t.events, ev)
	} else if t.lastGrowing && !growing {
		e := &t.events[len(t.events)-1]
		check(!e.completedRecorded, "double completion")
		e.CompletedAtOp = op
		e.completedRecorded = true
	}
	t.sync()
}

// ---------------------------------------------------------------------------
// Bucket-array statistics.

type histRow struct {
	Len     int `json:"len"`
	Buckets int `json:"buckets"`
}

type tableStats struct {
	Seed                       int64       `json:"seed"`
	B                          int         `json:"b"`
	Count                      int         `json:"count"`
	Growing                    bool        `json:"growing"`
	Buckets                    int         `json:"buckets"`
	EntriesReachable           int         `json:"entries_reachable"`
	OverflowBuckets            int         `json:"overflow_buckets"`
	OverflowFromPrealloc       int         `json:"overflow_buckets_from_prealloc"`
	OverflowFresh              int         `json:"overflow_buckets_fresh"`
	PreallocAllocated          int         `json:"prealloc_overflow_allocated"`
	PctBucketsWithOverflow     float64     `json:"pct_buckets_with_overflow"`
	Hitprobe                   float64     `json:"hitprobe"`
	Missprobe                  float64     `json:"missprobe"`
	OverheadBytesPerEntry      float64     `json:"overhead_bytes_per_entry"`
	OverheadBytesPerEntryAlloc float64     `json:"overhead_bytes_per_entry_allocated"`
	Noverflow                  int         `json:"noverflow"`
	DoublingGrows              int         `json:"doubling_grows"`
	SameSizeGrows              int         `json:"same_size_grows"`
	ChainLenHist               []histRow   `json:"chain_len_hist"`
	Events                     []growEvent `json:"grow_events,omitempty"`
	Rounds                     []roundRow  `json:"rounds,omitempty"`
}

type roundRow struct {
	Round           int  `json:"round"`
	B               int  `json:"b"`
	Growing         bool `json:"growing"`
	Noverflow       int  `json:"noverflow"`
	OverflowBuckets int  `json:"overflow_buckets"`
	DoublingGrows   int  `json:"doubling_grows"`
	SameSizeGrows   int  `json:"same_size_grows"`
}

// walkTable computes statistics over the current bucket array of h.
// Filled slot: tophash > evacuatedEmpty (i.e. >= minTopHash).
func walkTable(c *rtmap.Classic) tableStats {
	h := c.Header()
	bs := c.BucketSize()
	nb := 1 << h.B
	total := arrayBuckets(h.B, bs)
	lo := uintptr(h.Buckets) + uintptr(nb)*bs
	hi := uintptr(h.Buckets) + total*bs
	st := tableStats{B: int(h.B), Count: h.Count, Growing: h.Growing(), Buckets: nb,
		Noverflow: int(h.Noverflow), PreallocAllocated: int(total) - nb}
	var hist []int
	hitSum := 0
	withOvf := 0
	if h.Buckets != nil {
		for i := 0; i < nb; i++ {
			chain := 0
			filled := 0
			for b := c.Bucket(h.Buckets, uintptr(i)); b != nil; b = c.Overflow(b) {
				chain++
				check(chain < 1<<20, "runaway chain")
				if chain > 1 {
					st.OverflowBuckets++
					if a := uintptr(b); a >= lo && a < hi {
						st.OverflowFromPrealloc++
					}
				}
				for s := 0; s < bucketCnt; s++ {
					if c.Tophash(b, s) >= minTopHash {
						filled++
						hitSum += filled
					}
				}
			}
			for len(hist) <= chain {
				hist = append(hist, 0)
			}
			hist[chain]++
			if chain > 1 {
				withOvf++
			}
			st.EntriesReachable += filled
		}
	}
	st.OverflowFresh = st.OverflowBuckets - st.OverflowFromPrealloc
	for l := 1; l < len(hist); l++ {
		st.ChainLenHist = append(st.ChainLenHist, histRow{Len: l, Buckets: hist[l]})
	}
	st.PctBucketsWithOverflow = round6(100 * float64(withOvf) / float64(nb))
	if st.EntriesReachable > 0 {
		st.Hitprobe = round6(float64(hitSum) / float64(st.EntriesReachable))
	}
	st.Missprobe = round6(float64(st.EntriesReachable) / float64(nb))
	if h.Count > 0 {
		st.OverheadBytesPerEntry = round6(float64(nb+st.OverflowBuckets)*float64(bs)/float64(h.Count) - 16)
		st.OverheadBytesPerEntryAlloc = round6(float64(int(total)+st.OverflowFresh)*float64(bs)/float64(h.Count) - 16)
	}
	return st
}

type meanSD struct {
	Mean   float64 `json:"mean"`
	Stddev float64 `json:"stddev"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

func stat(xs []float64) meanSD {
	n := float64(len(xs))
	s := 0.0
	mn, mx := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		s += x
		mn = math.Min(mn, x)
		mx = math.Max(mx, x)
	}
	mean := s / n
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	sd := 0.0
	if len(xs) > 1 {
		sd = math.Sqrt(v / (n - 1))
	}
	return meanSD{round6(mean), round6(sd), mn, mx}
}

// summarize computes mean/stddev over seeds of every numeric or bool field of
// tableStats (bools as 0/1) plus the per-length mean of chain_len_hist.
func summarize(rows []tableStats) map[string]any {
	out := map[string]any{}
	rt := reflect.TypeOf(tableStats{})
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "-" || name == "seed" {
			continue
		}
		var xs []float64
		for _, r := range rows {
			fv := reflect.ValueOf(r).Field(i)
			switch fv.Kind() {
			case reflect.Int, reflect.Int64:
				xs = append(xs, float64(fv.Int()))
			case reflect.Float64:
				xs = append(xs, fv.Float())
			case reflect.Bool:
				if fv.Bool() {
					xs = append(xs, 1)
				} else {
					xs = append(xs, 0)
				}
			}
		}
		if xs != nil {
			out[name] = stat(xs)
		}
	}
	maxLen := 0
	for _, r := range rows {
		for _, hr := range r.ChainLenHist {
			if hr.Len > maxLen {
				maxLen = hr.Len
			}
		}
	}
	type hm struct {
		Len int `json:"len"`
		meanSD
	}
	var hist []hm
	for l := 1; l <= maxLen; l++ {
		var xs []float64
		for _, r := range rows {
			v := 0
			for _, hr := range r.ChainLenHist {
				if hr.Len == l {
					v = hr.Buckets
				}
			}
			xs = append(xs, float64(v))
		}
		hist = append(hist, hm{l, stat(xs)})
	}
	out["chain_len_hist"] = hist
	out["n_seeds"] = len(rows)
	return out
}

// ---------------------------------------------------------------------------
// 1. growth_points.json

type gpRow struct {
	Count     int  `json:"count"`
	B         int  `json:"b"`
	Growing   bool `json:"growing"`
	Noverflow int  `json:"noverflow"`
}

func growthRun(n int, next func() uint64) ([]gpRow, []growEvent) {
	m := newMapNoHint()
	h := hOf(m)
	tr := newTracker(h)
	var rows []gpRow
	prevB, prevG := -1, false
	for len(m) < n {
		k := next()
		if _, dup := m[k]; dup {
			continue
		}
		m[k] = k
		c := len(m)
		check(h.Header().Count == c, "count mirror")
		tr.observe(c, "")
		g := h.Growing()
		if c == 1 || c == n || int(h.Header().B) != prevB || g != prevG {
			rows = append(rows, gpRow{c, int(h.Header().B), g, int(h.Header().Noverflow)})
		}
		prevB, prevG = int(h.Header().B), g
	}
	runtime.KeepAlive(m)
	return rows, tr.events
}

func growthPoints() {
	const n = 1 << 20
	i := uint64(0)
	seq, seqEv := growthRun(n, func() uint64 { i++; return i })
	rng := rand.New(rand.NewSource(1))
	rnd, rndEv := growthRun(n, rng.Uint64)
	starts := func(evs []growEvent) (s []int) {
		for _, e := range evs {
			check(e.Kind == "doubling", "unexpected same-size grow during inserts-only run")
			s = append(s, e.Op)
		}
		return
	}
	ss, rs := starts(seqEv), starts(rndEv)
	same := reflect.DeepEqual(ss, rs)
	check(len(ss) > 0 && ss[0] == 9, "first doubling at insert %v", ss)
	for j, c := range ss {
		// insert number c triggers doubling from B=j: c = 6.5*2^j + 1 (j>=1), 9 for j=0
		want := 9
		if j > 0 {
			want = 13<<(j-1) + 1
		}
		check(c == want, "growth %d at count %d, want %d", j, c, want)
	}
	out := header("map[uint64]uint64 created by make(map[uint64]uint64) (no hint); keys inserted one at a time " +
		"until count == 2^20 (1048576). The runtime header hmap is read after every insert. " +
		"sequential_keys_transitions: keys 1,2,3,... in order. random_keys_transitions: distinct keys from " +
		"math/rand rand.New(rand.NewSource(random_keys_seed)).Uint64() (duplicates skipped, so count rises by one per insert). " +
		"Each transition row {count, b, growing, noverflow} is the state right after the insert that made len(map)==count; " +
		"a row is stored for the first insert, the last insert, and every insert after which B or growing differs from the previous insert. " +
		"b = hmap.B (log2 of bucket count); growing = (hmap.oldbuckets != nil), i.e. an incremental evacuation is in progress; " +
		"noverflow = hmap.noverflow (runtime's approximate overflow-bucket counter, exact while B<16, incremented with probability 2^-(B-15) from B=16 on; reset to 0 at every grow). " +
		"Note: the grows from B=0->1 and B=1->2 start and finish inside the same insert (1 resp. 2 old buckets are evacuated by that insert's growWork), " +
		"so their rows show B changing with growing=false. " +
		"*_grow_events: one entry per grow: op = count after the insert that started the grow (the grow is triggered when count+1 > 6.5*2^B before that insert), " +
		"count_before = count before it, b_from/b_to, kind, noverflow_before = hmap.noverflow just before that insert, " +
		"completed_at_op = count after the insert at which oldbuckets became nil again. " +
		"growth_start_counts_identical: the insert numbers that start a grow are the same for both key sequences (they depend only on count). " +
		"Completion counts and noverflow depend on the per-map random hash seed and on the keys, so they differ between runs/key orders.")
	out["map_type"] = "map[uint64]uint64"
	out["bucketsize"] = 144
	out["inserts"] = n
	out["random_keys_seed"] = 1
	out["sequential_keys_transitions"] = seq
	out["random_keys_transitions"] = rnd
	out["sequential_keys_grow_events"] = seqEv
	out["random_keys_grow_events"] = rndEv
	out["growth_start_counts"] = ss
	out["growth_start_counts_identical"] = same
	check(same, "growth starts differ between sequential and random keys")
	writeJSON("growth_points.json", out)
}

// ---------------------------------------------------------------------------
// 2. hint_b.json

func measureHintB(hint int) int {
	m := newMap[uint64, uint64](hint)
	h := hOf(m)
	b := int(h.Header().B)
	check(h.Header().Count == 0 && !h.Growing(), "fresh map")
	check((b == 0) == (h.Header().Buckets == nil), "hint %d: B=%d buckets=%p", hint, b, h.Header().Buckets)
	runtime.KeepAlive(m)
	return b
}

func hintB(exhaustiveMax int) {
	const maxHint = 2_000_000
	type tr struct {
		Hint int `json:"hint"`
		B    int `json:"b"`
	}
	// (a) exhaustive: make() for every hint 0..exhaustiveMax.
	var trans []tr
	prev := -1
	for hint := 0; hint <= exhaustiveMax; hint++ {
		b := measureHintB(hint)
		check(b == bForHint(hint), "hint %d: B=%d formula %d", hint, b, bForHint(hint))
		if b != prev {
			check(b == prev+1, "B not monotone by 1 at hint %d", hint)
			trans = append(trans, tr{hint, b})
			prev = b
		}
	}
	logf("hint_b: exhaustive make() for hints 0..%d done", exhaustiveMax)
	// (b) beyond: binary search with real make() for the smallest hint giving
	// each further B (B(hint) is monotone: makemap's loop is monotone in hint).
	for target := prev + 1; ; target++ {
		if measureHintB(maxHint) < target {
			break
		}
		lo, hi := trans[len(trans)-1].Hint, maxHint // B(lo) < target <= B(hi)
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if measureHintB(mid) >= target {
				hi = mid
			} else {
				lo = mid
			}
		}
		check(measureHintB(hi) == target && measureHintB(hi-1) == target-1, "transition at %d", hi)
		trans = append(trans, tr{hi, target})
		runtime.GC()
	}
	debug.FreeOSMemory()
	logf("hint_b: binary search done")
	predict := func(hint int) int {
		b := 0
		for _, t := range trans {
			if hint >= t.Hint {
				b = t.B
			}
		}
		return b
	}
	// (c) formula over the whole range agrees with the transitions.
	for hint := 0; hint <= maxHint; hint++ {
		check(bForHint(hint) == predict(hint), "formula disagrees at %d", hint)
	}
	// (d) random log-uniform samples measured with make().
	rng := rand.New(rand.NewSource(42))
	nSamples := 300
	for i := 0; i < nSamples; i++ {
		hint := int(math.Exp(rng.Float64() * math.Log(maxHint)))
		if hint > maxHint {
			hint = maxHint
		}
		check(measureHintB(hint) == predict(hint), "sample hint %d", hint)
		if i%50 == 0 {
			runtime.GC()
		}
	}
	debug.FreeOSMemory()
	var spots []tr
	for _, hint := range []int{0, 1, 8, 9, 13, 14, 26, 27, 100, 1000, 6656, 6657, 1000000} {
		spots = append(spots, tr{hint, measureHintB(hint)})
	}
	known := map[int]int{8: 0, 9: 1, 13: 1, 14: 2, 100: 4, 1000: 8, 6656: 10, 6657: 11, 1000000: 18}
	for _, s := range spots {
		if w, ok := known[s.Hint]; ok {
			check(s.B == w, "spot hint %d: B=%d want %d", s.Hint, s.B, w)
		}
	}
	out := header(fmt.Sprintf("B (hmap.B, log2 of the bucket count) of a map created by make(map[uint64]uint64, hint), read from the runtime header "+
		"right after make, for hints 0..=%d. transitions: list of {hint, b}, one row per B value, hint = the smallest hint for which make gives that b; "+
		"B(hint) = b of the last row with row.hint <= hint. spot_checks: {hint, b} measured directly. "+
		"Method (see 'method'): every hint 0..=%d was measured with make(); above that, each transition was located by binary search with make() "+
		"(valid because B is monotone in hint) and confirmed at hint-1 and hint; %d log-uniform random hints in 1..=%d were measured and agree; "+
		"Go 1.19's makemap rule (smallest B with hint<=8 or hint<=6.5*2^B) was evaluated for every hint 0..=%d and agrees with the transitions. "+
		"Measuring all 2,000,001 hints with make() is infeasible (each make with B=19 allocates ~80 MB).",
		maxHint, exhaustiveMax, nSamples, maxHint, maxHint))
	out["map_type"] = "map[uint64]uint64"
	out["max_hint"] = maxHint
	out["method"] = map[string]any{
		"exhaustive_make_hints_upto": exhaustiveMax,
		"binary_search_with_make":    "hints above exhaustive_make_hints_upto",
		"random_samples_with_make":   nSamples,
		"formula_checked_all_hints":  true,
	}
	out["transitions"] = trans
	out["spot_checks"] = spots
	writeJSON("hint_b.json", out)
}

// ---------------------------------------------------------------------------
// 3. prealloc_overflow.json

type preRow struct {
	KeySize           int   `json:"key_size"`
	ValueSize         int   `json:"value_size"`
	KeySlot           int   `json:"key_slot"`
	ValueSlot         int   `json:"value_slot"`
	IndirectKey       bool  `json:"indirect_key"`
	IndirectValue     bool  `json:"indirect_value"`
	Bucketsize        int   `json:"bucketsize"`
	BucketsizeFormula int   `json:"bucketsize_formula"`
	HasPointers       bool  `json:"has_pointers"`
	Prealloc          []int `json:"prealloc_overflow_by_b"`
	PreallocFormula   []int `json:"prealloc_overflow_formula_by_b"`
}

const preMaxB = 20

func hintForB(b int) int {
	if b == 0 {
		return 0
	}
	return 13 << (b - 1) // = 6.5 * 2^b, the largest hint giving b
}

func preallocFor[K comparable, V any](ks, vs int) preRow {
	slot := func(s int) int {
		if s > 128 {
			return 8
		}
		return s
	}
	r := preRow{KeySize: ks, ValueSize: vs, KeySlot: slot(ks), ValueSlot: slot(vs)}
	r.BucketsizeFormula = 8 + 8*r.KeySlot + 8*r.ValueSlot + 8
	for b := 0; b <= preMaxB; b++ {
		m := newMap[K, V](hintForB(b))
		h := hOf(m)
		check(int(h.Header().B) == b, "K%d/V%d hint %d gave B=%d want %d", ks, vs, hintForB(b), h.Header().B, b)
		if b == 0 {
			check(int(h.KeySize()) == ks && int(h.ElemSize()) == vs, "type sizes")
			check(int(h.KeySlotSize()) == r.KeySlot && int(h.ElemSlotSize()) == r.ValueSlot, "slot sizes")
			r.IndirectKey, r.IndirectValue = h.IndirectKey(), h.IndirectElem()
			check(r.IndirectKey == (ks > 128) && r.IndirectValue == (vs > 128), "indirect flags")
			r.Bucketsize = int(h.BucketSize())
			// (rtmap.Open checked the bucket type's size against bucketsize.)
			r.HasPointers = !h.PointerFree()
			check(r.HasPointers == (r.IndirectKey || r.IndirectValue), "has pointers")
		}
		bs := h.BucketSize()
		n := 0
		if h.Header().NextOverflow != nil {
			p := h.Header().NextOverflow
			check(uintptr(p) == uintptr(h.Header().Buckets)+(uintptr(1)<<b)*bs, "nextOverflow not right after the 2^B buckets")
			for {
				n++
				check(n <= 1<<b, "runaway prealloc walk")
				if ovf := h.Overflow(p); ovf != nil {
					check(ovf == h.Header().Buckets, "sentinel should point at buckets")
					break
				}
				p = unsafe.Add(p, bs)
			}
		}
		r.Prealloc = append(r.Prealloc, n)
		r.PreallocFormula = append(r.PreallocFormula, int(arrayBuckets(uint8(b), bs))-1<<b)
		check(n == r.PreallocFormula[b], "K%d/V%d B=%d: prealloc %d formula %d", ks, vs, b, n, r.PreallocFormula[b])
		runtime.KeepAlive(m)
		m = nil
		if b >= 17 {
			runtime.GC()
		}
	}
	debug.FreeOSMemory()
	return r
}

func preallocV[K comparable](ks int) []preRow {
	return []preRow{
		preallocFor[K, K8](ks, 8),
		preallocFor[K, K16](ks, 16),
		preallocFor[K, K32](ks, 32),
		preallocFor[K, K64](ks, 64),
		preallocFor[K, K128](ks, 128),
		preallocFor[K, K256](ks, 256),
	}
}

func preallocOverflow() {
	var rows []preRow
	for _, f := range []func() []preRow{
		func() []preRow { return preallocV[K8](8) },
		func() []preRow { return preallocV[K16](16) },
		func() []preRow { return preallocV[K32](32) },
		func() []preRow { return preallocV[K64](64) },
		func() []preRow { return preallocV[K128](128) },
		func() []preRow { return preallocV[K256](256) },
	} {
		rows = append(rows, f()...)
		logf("prealloc: key size %d done", rows[len(rows)-1].KeySize)
	}
	type rs struct {
		SizeFrom int `json:"size_from"`
		Rounded  int `json:"rounded"`
	}
	var rtr []rs
	prev := uintptr(0)
	for s := uintptr(1); s <= 2_000_000; s++ {
		r := roundupsize(s)
		check(r >= s, "roundupsize(%d)=%d", s, r)
		if r != prev {
			rtr = append(rtr, rs{int(s), int(r)})
			prev = r
		}
	}
	out := header("Preallocated overflow buckets of make(map[K]V, hint) for K,V in {8,16,32,64,128,256}-byte pointer-free arrays of uint64 " +
		"(K8=uint64, K16=[2]uint64, ..., K256=[32]uint64; same for values), for B = 0..=20 (hint_by_b[B] is the hint used; the resulting hmap.B was checked to equal B). " +
		"Per row: key_size/value_size = sizeof(K)/sizeof(V); key_slot/value_slot = maptype.keysize/elemsize read from the runtime (size if <=128, else 8 because the slot holds a pointer); " +
		"indirect_key/indirect_value = maptype flags bit 1/2 from the runtime; bucketsize = maptype.bucketsize read from the runtime (also checked equal to the runtime bucket type's size); " +
		"bucketsize_formula = 8 + 8*key_slot + 8*value_slot + 8 (tophash, keys, values, overflow pointer); has_pointers = (bucket type ptrdata != 0) read from the runtime (true iff a key or value is indirect); " +
		"prealloc_overflow_by_b[B] = number of preallocated overflow buckets counted by walking from hmap.extra.nextOverflow forward by bucketsize until the bucket whose overflow pointer is non-nil " +
		"(the sentinel, which points back to hmap.buckets and counts as one usable bucket); 0 when extra or nextOverflow is nil (always for B<4). " +
		"prealloc_overflow_formula_by_b[B] = roundupsize((2^B + 2^(B-4)) * bucketsize) / bucketsize - 2^B for B>=4 (0 for B<4), evaluated with the runtime's own roundupsize; it equals the measured value in every case (checked). " +
		"roundupsize_transitions: runtime.roundupsize(s) for every s in 1..=2000000, as rows {size_from, rounded}: for s from size_from up to the next row's size_from-1, roundupsize(s) = rounded. " +
		"Sizes < 32768 round to the malloc size class; sizes >= 32768 round up to a multiple of the 8192-byte page.")
	var hints []int
	for b := 0; b <= preMaxB; b++ {
		hints = append(hints, hintForB(b))
	}
	out["hint_by_b"] = hints
	out["max_b"] = preMaxB
	out["rows"] = rows
	out["roundupsize_transitions"] = rtr
	writeJSON("prealloc_overflow.json", out)
}

// ---------------------------------------------------------------------------
// 4. loaded_stats.json

var goHeaderTable65 = map[string]float64{
	"pct_buckets_with_overflow": 20.90,
	"overhead_bytes_per_entry":  10.79,
	"hitprobe":                  4.25,
	"missprobe":                 6.50,
}

func loadedStats(seeds int) {
	targets := []int{10, 12, 14, 16}
	perB := map[int][]tableStats{}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		m := newMapNoHint()
		h := hOf(m)
		tr := newTracker(h)
		rng := rand.New(rand.NewSource(seed))
		for _, tb := range targets {
			want := 13 << (tb - 1) // floor(6.5 * 2^tb)
			for len(m) < want {
				k := rng.Uint64()
				if _, dup := m[k]; dup {
					continue
				}
				m[k] = k
				tr.observe(len(m), "fill")
			}
			check(h.Header().Count == want && int(h.Header().B) == tb && !h.Growing(),
				"seed %d B %d: count %d B %d growing %v", seed, tb, h.Header().Count, h.Header().B, h.Growing())
			check(tr.sameSize == 0, "same-size grow during fill")
			st := walkTable(h)
			check(st.EntriesReachable == h.Header().Count, "reachable %d != count %d", st.EntriesReachable, h.Header().Count)
			st.Seed = seed
			st.DoublingGrows, st.SameSizeGrows = tr.doubling, tr.sameSize
			perB[tb] = append(perB[tb], st)
		}
		// Confirm maximal load: the next distinct insert starts a doubling.
		for {
			k := rng.Uint64()
			if _, dup := m[k]; dup {
				continue
			}
			before := h.Header().B
			m[k] = k
			check(h.Header().B == before+1 && h.Growing(), "next insert did not double")
			break
		}
		runtime.KeepAlive(m)
	}
	var results []map[string]any
	for _, tb := range targets {
		rows := perB[tb]
		sum := summarize(rows)
		cmp := map[string]any{}
		for k, want := range goHeaderTable65 {
			got := sum[k].(meanSD).Mean
			cmp[k] = map[string]float64{"go_header": want, "measured_mean": got, "diff": round6(got - want)}
		}
		results = append(results, map[string]any{
			"b": tb, "count": 13 << (tb - 1), "per_seed": rows, "summary": sum, "vs_go_header_table_lf_6_5": cmp,
		})
		logf("loaded B=%d: %%ovf %.3f bytes/entry %.3f hit %.4f miss %.4f", tb,
			sum["pct_buckets_with_overflow"].(meanSD).Mean, sum["overhead_bytes_per_entry"].(meanSD).Mean,
			sum["hitprobe"].(meanSD).Mean, sum["missprobe"].(meanSD).Mean)
	}
	out := header(fmt.Sprintf("Maximally loaded tables: map[uint64]uint64 made with no hint; distinct random keys from "+
		"math/rand rand.New(rand.NewSource(seed)).Uint64() (seeds 1..=%d; duplicates skipped; value = key) are inserted until "+
		"count == floor(6.5 * 2^B) = 13*2^(B-1) for each target B in {10,12,14,16} (one map per seed, snapshotted at each target), "+
		"i.e. the last count before the next insert triggers doubling (checked: growth is finished, oldbuckets == nil, hmap.B == target; "+
		"after the last snapshot one more insert was done and did start a doubling). "+
		"Statistics walk the current bucket array: for each of the 2^B buckets its chain (the bucket plus the buckets reached through overflow pointers). "+
		"Filled slot = tophash >= 5 (0 emptyRest, 1 emptyOne, 2..4 evacuated). Per-seed fields: seed; b = hmap.B; count = hmap.count; growing = oldbuckets != nil; "+
		"buckets = 2^B; entries_reachable = filled slots found by the walk (== count); "+
		"overflow_buckets = overflow buckets reachable from the bucket array via overflow pointers; "+
		"overflow_buckets_from_prealloc / overflow_buckets_fresh = those lying inside / outside the bucket array's allocation (preallocated vs separately allocated); "+
		"prealloc_overflow_allocated = preallocated overflow buckets the current array was allocated with (used or not); "+
		"pct_buckets_with_overflow = 100 * (buckets whose chain has >= 1 overflow bucket) / buckets; "+
		"hitprobe = mean over live entries of the 1-based position of the entry among the FILLED slots of its chain in chain order (bucket order, then slot order 0..7); "+
		"missprobe = mean over the 2^B buckets of the number of filled slots in the chain; "+
		"overhead_bytes_per_entry = (buckets + overflow_buckets) * bucketsize / count - 8 - 8 (bucketsize 144; this is the definition of Go's map.go header table); "+
		"overhead_bytes_per_entry_allocated = (buckets + prealloc_overflow_allocated + overflow_buckets_fresh) * 144 / count - 16, i.e. counting all allocated bucket memory including unused preallocated overflow buckets; "+
		"noverflow = hmap.noverflow (the runtime's counter; exact for B<16, probabilistic from B=16 so it underestimates there); "+
		"doubling_grows / same_size_grows = grows that happened during the fill; chain_len_hist = list of {len, buckets}: number of buckets whose chain is len buckets long (len from 1). "+
		"summary: for every numeric field, mean, sample standard deviation (n-1), min and max over the seeds (bools as 0/1); chain_len_hist per len likewise. "+
		"vs_go_header_table_lf_6_5: the summary means next to the load-factor-6.5 row of the table in Go's src/runtime/map.go header comment "+
		"(%%overflow 20.90, bytes/entry 10.79, hitprobe 4.25, missprobe 6.50). Results depend on the per-map random hash seed, so reruns differ slightly.", seeds))
	out["map_type"] = "map[uint64]uint64"
	out["bucketsize"] = 144
	out["seeds"] = seeds
	out["go_header_table_lf_6_5"] = goHeaderTable65
	out["results"] = results
	writeJSON("loaded_stats.json", out)
}

// ---------------------------------------------------------------------------
// 5. churn_stats.json

func churnRun(n int, seed int64, rounds int, recordRounds bool) tableStats {
	m := newMapNoHint()
	h := hOf(m)
	tr := newTracker(h)
	rng := rand.New(rand.NewSource(seed))
	keys := make([]uint64, 0, n)
	newKey := func() uint64 {
		for {
			k := rng.Uint64()
			if _, dup := m[k]; !dup {
				return k
			}
		}
	}
	op := 0
	for len(m) < n {
		k := newKey()
		m[k] = k
		keys = append(keys, k)
		op++
		tr.observe(op, "initial_inserts")
	}
	var rr []roundRow
	K := n / 2
	for r := 1; r <= rounds; r++ {
		for i := 0; i < K; i++ {
			j := rng.Intn(len(keys))
			delete(m, keys[j])
			op++
			tr.observe(op, "churn")
			keys[j] = newKey()
			m[keys[j]] = keys[j]
			op++
			tr.observe(op, "churn")
		}
		check(len(m) == n && h.Header().Count == n, "count drift")
		if recordRounds {
			ws := walkTable(h)
			rr = append(rr, roundRow{r, int(h.Header().B), h.Growing(), int(h.Header().Noverflow), ws.OverflowBuckets, tr.doubling, tr.sameSize})
		}
	}
	st := walkTable(h)
	if !h.Growing() {
		check(st.EntriesReachable == h.Header().Count, "reachable %d != count %d", st.EntriesReachable, h.Header().Count)
	}
	st.Seed = seed
	st.DoublingGrows, st.SameSizeGrows = tr.doubling, tr.sameSize
	st.Events = tr.events
	st.Rounds = rr
	runtime.KeepAlive(m)
	return st
}

func churnSet(seeds, rounds int, recordRounds bool) []map[string]any {
	var results []map[string]any
	for _, n := range []int{1000, 10000, 100000} {
		var rows []tableStats
		for seed := int64(1); seed <= int64(seeds); seed++ {
			rows = append(rows, churnRun(n, seed, rounds, recordRounds))
		}
		sum := summarize(rows)
		growingAtEnd := 0
		for _, r := range rows {
			if r.Growing {
				growingAtEnd++
			}
		}
		results = append(results, map[string]any{
			"n": n, "rounds": rounds, "ops_per_round": n / 2,
			"seeds_growing_at_end": growingAtEnd, "per_seed": rows, "summary": sum,
		})
		logf("churn R=%d N=%d: same-size grows mean %.2f (min %.0f max %.0f), doubling %.2f, growing at end %d/%d, ovf %.1f",
			rounds, n, sum["same_size_grows"].(meanSD).Mean, sum["same_size_grows"].(meanSD).Min, sum["same_size_grows"].(meanSD).Max,
			sum["doubling_grows"].(meanSD).Mean, growingAtEnd, seeds, sum["overflow_buckets"].(meanSD).Mean)
	}
	return results
}

func churnStats(seeds, longRounds int) {
	results := churnSet(seeds, 20, true)
	var long []map[string]any
	if longRounds > 0 {
		long = churnSet(seeds, longRounds, false)
	}
	out := header(fmt.Sprintf("Churn: map[uint64]uint64 made with no hint; insert N distinct random keys (value = key), then R=20 rounds of K=N/2 operations; "+
		"each operation deletes one uniformly random live key (rng.Intn over the live-key list) and then inserts one new random key not present in the map. "+
		"Keys and choices come from math/rand rand.New(rand.NewSource(seed)), seeds 1..=%d; N in {1000, 10000, 100000}. "+
		"After every single map write the runtime header is inspected; writes are numbered by 'op' from 1: the initial inserts are writes 1..N, and churn operation i (1-based, over all rounds) is write N+2i-1 (its delete) and write N+2i (its insert); ops_per_round = K = N/2 delete+insert operations. A grow is detected by hmap.buckets "+
		"changing to a new array (equivalently oldbuckets going nil -> non-nil; the pointer test also catches grows that finish inside one insert); "+
		"it is a doubling if hmap.B increased, else a same-size grow (cross-checked with the runtime's sameSizeGrow flag). "+
		"Per-seed fields (state at the end of the workload unless noted): b, count, growing (oldbuckets != nil at the end), noverflow (hmap.noverflow at the end), "+
		"doubling_grows and same_size_grows (counted over the whole workload including the initial inserts), and the bucket-walk statistics with exactly the "+
		"definitions of loaded_stats.json: buckets, entries_reachable, overflow_buckets, overflow_buckets_from_prealloc, overflow_buckets_fresh, prealloc_overflow_allocated, "+
		"pct_buckets_with_overflow, hitprobe, missprobe, overhead_bytes_per_entry, overhead_bytes_per_entry_allocated, chain_len_hist. "+
		"If the map is still growing at the end (growing == true), these walk statistics are computed over the current (new) bucket array only and count only the "+
		"entries reachable there (entries_reachable < count; entries still in un-evacuated old buckets are not counted; missprobe = entries_reachable/buckets). "+
		"grow_events: one per grow: op (operation number that started it), phase (initial_inserts or churn), kind (doubling or same_size), count_before, b_from, b_to, "+
		"noverflow_before (hmap.noverflow just before that op; a same-size grow starts when noverflow >= 2^min(B,15)), completed_at_op (op after which oldbuckets became nil; 0 if still growing at the end), "+
		"completed_in_same_op. rounds: state after each churn round {round, b, growing, noverflow, overflow_buckets (reachable from the current array), doubling_grows, same_size_grows (cumulative)}. "+
		"summary: mean, sample standard deviation (n-1), min, max over seeds of every numeric field (bools as 0/1), chain_len_hist per len likewise. "+
		"seeds_growing_at_end: how many seeds ended with a grow in progress. Results depend on the per-map random hash seed, so reruns differ slightly.", seeds))
	out["map_type"] = "map[uint64]uint64"
	out["bucketsize"] = 144
	out["seeds"] = seeds
	out["results"] = results
	if longRounds > 0 {
		out["long_churn_rounds"] = longRounds
		out["long_churn_note"] = fmt.Sprintf("Supplement beyond the requested workload: the same experiment with R=%d rounds instead of 20 "+
			"(same seeds, same definitions; 'rounds' rows omitted), because with R=20 no same-size grow occurs for any N and seed.", longRounds)
		out["long_churn_results"] = long
	}
	writeJSON("churn_stats.json", out)
}

// ---------------------------------------------------------------------------

func main() {
	flag.StringVar(&outDir, "out", "../data/go119", "output directory (from go/)")
	seeds := flag.Int("seeds", 20, "number of seeds (1..=seeds) for loaded_stats and churn_stats")
	exh := flag.Int("hint-exhaustive", 53248, "measure make() for every hint up to this value (the rest by binary search)")
	longRounds := flag.Int("long-churn-rounds", 200, "rounds for the supplementary long churn run in churn_stats.json (0 = skip)")
	only := flag.String("only", "growth,hint,prealloc,loaded,churn", "comma-separated sections to run")
	flag.Parse()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		die("mkdir: %v", err)
	}
	checkLayout()
	want := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		want[strings.TrimSpace(s)] = true
	}
	sections := []struct {
		name string
		f    func()
	}{
		{"growth", growthPoints},
		{"hint", func() { hintB(*exh) }},
		{"prealloc", preallocOverflow},
		{"loaded", func() { loadedStats(*seeds) }},
		{"churn", func() { churnStats(*seeds, *longRounds) }},
	}
	var names []string
	for _, s := range sections {
		names = append(names, s.name)
		if want[s.name] {
			s.f()
			runtime.GC()
			debug.FreeOSMemory()
		}
	}
	sort.Strings(names)
	logf("done (sections available: %s)", strings.Join(names, ","))
}
