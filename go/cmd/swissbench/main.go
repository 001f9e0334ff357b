//go:build go1.24

// Command swissbench times the real Go map (a Swiss table from Go 1.24)
// inserting n random uint64 keys (SplitMix64 from seed 42; mapamp's
// speed_ratio draws its own random keys: what matters is that both are
// uniform) into an empty map, with or
// without a size hint, and prints one line per timed pass: milliseconds.
// speed_ratio runs it once per round, interleaved with the Rust maps.
//
// Usage: swissbench -n 1000000 -hint=false -passes 1
package main

import (
	"flag"
	"fmt"
	"time"
)

var sink map[uint64]uint64

func splitmix64(s *uint64) uint64 {
	*s += 0x9E3779B97F4A7C15
	z := *s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func main() {
	n := flag.Int("n", 1_000_000, "keys")
	hint := flag.Bool("hint", false, "make(map, n)")
	passes := flag.Int("passes", 1, "timed passes (after one warm-up)")
	flag.Parse()
	keys := make([]uint64, *n)
	s := uint64(42)
	for i := range keys {
		keys[i] = splitmix64(&s)
	}
	run := func() time.Duration {
		t := time.Now()
		var m map[uint64]uint64
		if *hint {
			m = make(map[uint64]uint64, *n)
		} else {
			m = make(map[uint64]uint64)
		}
		for _, k := range keys {
			m[k] = k
		}
		d := time.Since(t)
		sink = m
		return d
	}
	run()
	for i := 0; i < *passes; i++ {
		sink = nil
		fmt.Printf("%.4f\n", float64(run().Microseconds())/1000)
	}
}
