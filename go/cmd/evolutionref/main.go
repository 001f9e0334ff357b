// Command evolutionref measures the heap bytes and heap objects of real Go
// maps across key and value types, on whichever Go runtime builds it
// (Go 1.19's classic map, Go 1.24+'s Swiss map, Go 1.27 with or without
// GOEXPERIMENT=mapsplitgroup), and writes them as JSON reference data for
// mapamp's models (tests/data/evolution/<release>.json).
//
// It reads nothing private: every figure is a runtime.MemStats delta
// (TotalAlloc, Mallocs) around make + n inserts, with the collector off and
// every P's cache flushed by ReadMemStats, so it builds unchanged with every
// Go release mapamp uses. Keys (and string keys' bytes) are made before the
// first reading, so a map's figure holds only what the map allocated; the
// bytes of the string keys are recorded on their own (key_bytes).
//
// Usage (from the repository root; scripts/evolution-reference.sh runs all
// four runtimes):
//
//	cd go && go run ./cmd/evolutionref -release go1.26 -out ../tests/data/evolution/go1.26.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "evolutionref: "+format+"\n", args...)
	os.Exit(2)
}

// sink keeps every measured map on the heap (a map that does not escape
// may get its header and first bucket or group on the stack).
var sink any

// counters reads the cumulative allocation counters after flushing every
// P's cache (ReadMemStats does), so small objects are counted too.
func counters() (bytes, objects uint64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc, ms.Mallocs
}

// sample is one map's figures.
type sample struct{ bytes, objects uint64 }

// Record is one (key, value, n, hint) cell: the median over Seeds maps
// (each map has its own random hash seed), and the range when maps
// differed.
type Record struct {
	Release string `json:"release"`
	Key     string `json:"key"`
	Value   string `json:"value"`
	N       int    `json:"n"`
	Hint    int    `json:"hint"`
	// HeapBytes and Objects: median over the seeds of TotalAlloc and
	// Mallocs deltas around make(map[K]V, hint) and n inserts.
	HeapBytes uint64 `json:"heap_bytes"`
	Objects   uint64 `json:"objects"`
	Seeds     int    `json:"seeds"`
	// Spread is present only when the maps differed.
	Spread *Spread `json:"spread,omitempty"`
	// KeyBytes: bytes the string keys themselves took (not in HeapBytes).
	KeyBytes *uint64 `json:"key_bytes,omitempty"`
}

// Spread is the seed-to-seed range of a cell whose figures vary.
type Spread struct {
	HeapBytesMin uint64 `json:"heap_bytes_min"`
	HeapBytesMax uint64 `json:"heap_bytes_max"`
	ObjectsMin   uint64 `json:"objects_min"`
	ObjectsMax   uint64 `json:"objects_max"`
}

func summarize(r *Record, s []sample) {
	r.Seeds = len(s)
	bs := make([]uint64, len(s))
	os := make([]uint64, len(s))
	for i, x := range s {
		bs[i], os[i] = x.bytes, x.objects
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i] < bs[j] })
	sort.Slice(os, func(i, j int) bool { return os[i] < os[j] })
	// The lower median: a figure some map really had.
	r.HeapBytes, r.Objects = bs[(len(bs)-1)/2], os[(len(os)-1)/2]
	if bs[0] != bs[len(bs)-1] || os[0] != os[len(os)-1] {
		r.Spread = &Spread{bs[0], bs[len(bs)-1], os[0], os[len(os)-1]}
	}
}

// fill measures make(map[K]V, hint) and inserts of keys, seeds times.
func fill[K comparable, V any](keys []K, v V, hint, seeds int) []sample {
	out := make([]sample, 0, seeds)
	for s := 0; s < seeds; s++ {
		runtime.GC()
		b0, o0 := counters()
		m := make(map[K]V, hint)
		for _, k := range keys {
			m[k] = v
		}
		sink = m
		b1, o1 := counters()
		sink = nil
		out = append(out, sample{b1 - b0, o1 - o0})
	}
	return out
}

// update fills a map with keys, then measures one more write of keys[0]
// (an existing key), seeds times.
func update[K comparable, V any](keys []K, v V, hint, seeds int) []sample {
	out := make([]sample, 0, seeds)
	for s := 0; s < seeds; s++ {
		runtime.GC()
		m := make(map[K]V, hint)
		for _, k := range keys {
			m[k] = v
		}
		sink = m
		b0, o0 := counters()
		m[keys[0]] = v
		b1, o1 := counters()
		if len(m) != len(keys) {
			die("update of an existing key changed len(m) from %d to %d", len(keys), len(m))
		}
		sink = nil
		out = append(out, sample{b1 - b0, o1 - o0})
	}
	return out
}

// big is the type over 128 bytes: Go stores it through a pointer in the map.
type big [136]byte

// keyType names a key type and makes n distinct keys of it.
type keyType[K comparable] struct {
	name string
	make func(n int) []K
}

func ints[K int16 | int32 | int64](n int) []K {
	ks := make([]K, n)
	for i := range ks {
		ks[i] = K(i + 1)
	}
	return ks
}

// values the matrix covers, with the value every insert writes.
var (
	valEmpty  struct{}
	valBool         = true
	valInt32  int32 = 7
	valInt64  int64 = 7
	valString       = "value" // one shared string: only its 16-byte header is in a slot
	valWords  [4]int64
	valBig    big
	valueList = []string{"struct{}", "bool", "int32", "int64", "string", "[4]int64", "[136]byte"}
)

// cfg is what one run measures.
type cfg struct {
	release string
	ns      []int
	seeds   func(n int) int
	only    map[string]bool // key type names; empty = all
}

type results struct {
	fill    []Record
	update  []Record
	skipped []string
}

// forKey runs every value type for one key type.
func forKey[K comparable](c cfg, res *results, kt keyType[K], card int) {
	if len(c.only) > 0 && !c.only[kt.name] {
		return
	}
	for _, n := range c.ns {
		if n > card {
			res.skipped = append(res.skipped, fmt.Sprintf("key %s: n = %d (the type has %d values)", kt.name, n, card))
			continue
		}
		runtime.GC()
		kb0, _ := counters()
		keys := kt.make(n)
		kb1, _ := counters()
		var keyBytes *uint64
		if kt.name == "string" {
			// The slice of headers is not the keys' bytes: take it out.
			kb := kb1 - kb0 - uint64(roundedSliceBytes(n, 16))
			keyBytes = &kb
		}
		hints := []int{0}
		if n > 0 {
			hints = append(hints, n)
		}
		for _, hint := range hints {
			seeds := c.seeds(n)
			for _, val := range valueList {
				r := Record{Release: c.release, Key: kt.name, Value: val, N: n, Hint: hint, KeyBytes: keyBytes}
				summarize(&r, fillValue(val, keys, hint, seeds))
				res.fill = append(res.fill, r)
				if n == 8 {
					u := Record{Release: c.release, Key: kt.name, Value: val, N: n, Hint: hint}
					summarize(&u, updateValue(val, keys, hint, seeds))
					res.update = append(res.update, u)
				}
			}
		}
		sink = keys
		sink = nil
	}
}

// roundedSliceBytes is what make([]T, n) of elem-byte elements allocates:
// measured, not computed, so it is right on every release.
func roundedSliceBytes(n, elem int) int {
	if n == 0 {
		return 0
	}
	runtime.GC()
	b0, _ := counters()
	s := make([]byte, n*elem)
	sink = s
	b1, _ := counters()
	sink = nil
	return int(b1 - b0)
}

func fillValue[K comparable](val string, keys []K, hint, seeds int) []sample {
	switch val {
	case "struct{}":
		return fill(keys, valEmpty, hint, seeds)
	case "bool":
		return fill(keys, valBool, hint, seeds)
	case "int32":
		return fill(keys, valInt32, hint, seeds)
	case "int64":
		return fill(keys, valInt64, hint, seeds)
	case "string":
		return fill(keys, valString, hint, seeds)
	case "[4]int64":
		return fill(keys, valWords, hint, seeds)
	case "[136]byte":
		return fill(keys, valBig, hint, seeds)
	}
	die("unknown value type %q", val)
	return nil
}

func updateValue[K comparable](val string, keys []K, hint, seeds int) []sample {
	switch val {
	case "struct{}":
		return update(keys, valEmpty, hint, seeds)
	case "bool":
		return update(keys, valBool, hint, seeds)
	case "int32":
		return update(keys, valInt32, hint, seeds)
	case "int64":
		return update(keys, valInt64, hint, seeds)
	case "string":
		return update(keys, valString, hint, seeds)
	case "[4]int64":
		return update(keys, valWords, hint, seeds)
	case "[136]byte":
		return update(keys, valBig, hint, seeds)
	}
	die("unknown value type %q", val)
	return nil
}

// pointees backs the pointer keys: one int64 each, allocated before any
// map is measured.
var pointees []int64

func run(c cfg) results {
	var res results
	const unlimited = 1 << 62
	forKey(c, &res, keyType[struct{}]{"struct{}", func(n int) []struct{} { return make([]struct{}, n) }}, 1)
	forKey(c, &res, keyType[bool]{"bool", func(n int) []bool {
		ks := make([]bool, n)
		for i := range ks {
			ks[i] = i == 1
		}
		return ks
	}}, 2)
	forKey(c, &res, keyType[int16]{"int16", ints[int16]}, 1<<16)
	forKey(c, &res, keyType[int32]{"int32", ints[int32]}, unlimited)
	forKey(c, &res, keyType[int64]{"int64", ints[int64]}, unlimited)
	forKey(c, &res, keyType[string]{"string", func(n int) []string {
		ks := make([]string, n)
		buf := []byte("key-")
		for i := range ks {
			// 12 bytes each, one allocation per key (string(b) copies).
			ks[i] = string(strconv.AppendInt(buf[:4], int64(10_000_000+i), 10)[:12])
		}
		return ks
	}}, unlimited)
	forKey(c, &res, keyType[*int64]{"*int64", func(n int) []*int64 {
		if len(pointees) < n {
			pointees = make([]int64, n)
		}
		ks := make([]*int64, n)
		for i := range ks {
			ks[i] = &pointees[i]
		}
		return ks
	}}, unlimited)
	forKey(c, &res, keyType[[4]int64]{"[4]int64", func(n int) [][4]int64 {
		ks := make([][4]int64, n)
		for i := range ks {
			ks[i][0] = int64(i + 1)
		}
		return ks
	}}, unlimited)
	forKey(c, &res, keyType[[24]byte]{"[24]byte", func(n int) [][24]byte {
		ks := make([][24]byte, n)
		for i := range ks {
			v := uint32(i + 1)
			ks[i][0], ks[i][1], ks[i][2], ks[i][3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
		return ks
	}}, unlimited)
	forKey(c, &res, keyType[big]{"[136]byte", func(n int) []big {
		ks := make([]big, n)
		for i := range ks {
			v := uint32(i + 1)
			ks[i][0], ks[i][1], ks[i][2], ks[i][3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
		return ks
	}}, unlimited)
	return res
}

// goexperiment is the GOEXPERIMENT the binary was built with ("" if none).
func goexperiment() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range bi.Settings {
		if s.Key == "GOEXPERIMENT" {
			return s.Value
		}
	}
	return ""
}

// releaseOf is the mapamp release name of the running runtime: go1.19,
// go1.26, go1.27, or go1.27split (GOEXPERIMENT=mapsplitgroup).
func releaseOf(version, experiment string) string {
	parts := strings.SplitN(strings.TrimPrefix(version, "go"), ".", 3)
	name := version
	if len(parts) >= 2 {
		name = "go" + parts[0] + "." + parts[1]
	}
	for _, e := range strings.Split(experiment, ",") {
		if e == "mapsplitgroup" {
			name += "split"
		}
	}
	return name
}

func main() {
	out := flag.String("out", "", "JSON file to write (required)")
	want := flag.String("release", "", "the release this runtime must be (go1.19, go1.26, go1.27, go1.27split); refused if it is another")
	quick := flag.Bool("quick", false, "n up to 1000 and 3 seeds (a smoke run of the program itself)")
	only := flag.String("keys", "", "comma-separated key types to measure (default: all)")
	flag.Parse()
	if *out == "" {
		die("-out FILE is required")
	}
	debug.SetGCPercent(-1)
	exp := goexperiment()
	release := releaseOf(runtime.Version(), exp)
	if *want != "" && *want != release {
		die("this runtime is %s (go version %s, GOEXPERIMENT=%q), not the %s asked for with -release", release, runtime.Version(), exp, *want)
	}
	c := cfg{
		release: release,
		ns:      []int{0, 1, 8, 9, 100, 1000, 100_000},
		seeds: func(n int) int {
			if n >= 100_000 {
				return 7
			}
			return 15
		},
		only: map[string]bool{},
	}
	if *quick {
		c.ns = []int{0, 1, 8, 9, 100, 1000}
		c.seeds = func(int) int { return 3 }
	}
	for _, k := range strings.Split(*only, ",") {
		if k != "" {
			c.only[k] = true
		}
	}
	// Warm up: the first maps a process makes can meet one-time runtime
	// allocations (seen: 5 KB on the very first make); measure after them.
	for i := 0; i < 3; i++ {
		fill(ints[int64](1000), valInt64, 0, 1)
	}
	res := run(c)
	doc := map[string]any{
		"release":      release,
		"go_version":   runtime.Version(),
		"goexperiment": exp,
		"goos":         runtime.GOOS,
		"goarch":       runtime.GOARCH,
		"generated_by": "go/cmd/evolutionref (scripts/evolution-reference.sh)",
		"description": "heap_bytes/objects: runtime.MemStats TotalAlloc/Mallocs deltas around make(map[K]V, hint) and n inserts of distinct keys " +
			"(the map header included), collector off, caches flushed by ReadMemStats; the median over `seeds` maps, each with its own random hash seed; " +
			"`spread` (min/max) only where the maps differed. key_bytes: the string keys' own bytes (made before the map, never in heap_bytes). " +
			"update_full_small: a map filled with n = 8 keys, then one write of an existing key: what that one write allocated. " +
			"[136]byte is over 128 bytes: Go stores it through a pointer.",
		"fill":              res.fill,
		"update_full_small": res.update,
		"skipped":           res.skipped,
	}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		die("%v", err)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		die("%v", err)
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		die("%v", err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		die("%v", err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d fill records, %d update records (%s)\n", *out, len(res.fill), len(res.update), runtime.Version())
}
