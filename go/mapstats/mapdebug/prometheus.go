package mapdebug

import (
	"bytes"
	"fmt"

	"mapamp/mapstats"
)

// metric is one Prometheus gauge or counter of a map.
type metric struct {
	name, kind, help string
	value            func(e *Entry) (float64, bool)
}

func snap(f func(s *mapstats.Snapshot) (float64, bool)) func(e *Entry) (float64, bool) {
	return func(e *Entry) (float64, bool) {
		if e.Snapshot == nil {
			return 0, false
		}
		return f(e.Snapshot)
	}
}

func classic(f func(c *mapstats.Classic) float64) func(e *Entry) (float64, bool) {
	return snap(func(s *mapstats.Snapshot) (float64, bool) {
		if s.Classic == nil {
			return 0, false
		}
		return f(s.Classic), true
	})
}

func swiss(f func(w *mapstats.Swiss) float64) func(e *Entry) (float64, bool) {
	return snap(func(s *mapstats.Snapshot) (float64, bool) {
		if s.Swiss == nil {
			return 0, false
		}
		return f(s.Swiss), true
	})
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Capacity is the map's slots: 8 per bucket (classic) or the tables' (Swiss).
func Capacity(s *mapstats.Snapshot) int {
	if s.Classic != nil {
		return 8 * s.Classic.Buckets
	}
	if s.Swiss != nil {
		return s.Swiss.Capacity
	}
	return 0
}

// MaxChain is a classic map's longest bucket chain (main bucket included).
func MaxChain(c *mapstats.Classic) int {
	for l := len(c.ChainLenHist) - 1; l > 0; l-- {
		if c.ChainLenHist[l] > 0 {
			return l
		}
	}
	return 0
}

var metrics = []metric{
	{"mapstats_len", "gauge", "Entries in the map (len).", snap(func(s *mapstats.Snapshot) (float64, bool) { return float64(s.Len), true })},
	{"mapstats_held_bytes", "gauge", "Bytes of the map's runtime structures.", snap(func(s *mapstats.Snapshot) (float64, bool) { return float64(s.HeldBytes), true })},
	{"mapstats_capacity_slots", "gauge", "Slots of the map.", snap(func(s *mapstats.Snapshot) (float64, bool) { return float64(Capacity(s)), true })},
	{"mapstats_load", "gauge", "Entries per slot.", snap(func(s *mapstats.Snapshot) (float64, bool) {
		c := Capacity(s)
		return float64(s.Len) / float64(c), c > 0
	})},
	{"mapstats_classic_b", "gauge", "log2 of the bucket count (classic map).", classic(func(c *mapstats.Classic) float64 { return float64(c.B) })},
	{"mapstats_classic_overflow_buckets", "gauge", "Overflow buckets reachable from the current array (classic map).", classic(func(c *mapstats.Classic) float64 { return float64(c.OverflowBuckets) })},
	{"mapstats_classic_max_chain", "gauge", "Longest bucket chain, in buckets (classic map).", classic(func(c *mapstats.Classic) float64 { return float64(MaxChain(c)) })},
	{"mapstats_classic_growing", "gauge", "1 while an evacuation is in progress (classic map).", classic(func(c *mapstats.Classic) float64 { return b2f(c.Growing) })},
	{"mapstats_swiss_tables", "gauge", "Tables of the directory (Swiss map).", swiss(func(w *mapstats.Swiss) float64 { return float64(len(w.Tables)) })},
	{"mapstats_swiss_global_depth", "gauge", "log2 of the directory length (Swiss map).", swiss(func(w *mapstats.Swiss) float64 { return float64(w.GlobalDepth) })},
	{"mapstats_swiss_tombstones", "gauge", "Deleted slots (Swiss map).", swiss(func(w *mapstats.Swiss) float64 { return float64(w.Tombstones) })},
	{"mapstats_read_error", "gauge", "1 when the map's structure could not be read.", func(e *Entry) (float64, bool) { return b2f(e.Error != ""), true }},
	{"mapstats_hook_writes_total", "counter", "Writes made through the map's hook while on.", func(e *Entry) (float64, bool) {
		if e.Hook == nil {
			return 0, false
		}
		return float64(e.Hook.Writes), true
	}},
	{"mapstats_hook_growths_total", "counter", "Growths seen by the hook's sampled writes.", func(e *Entry) (float64, bool) {
		if e.Hook == nil {
			return 0, false
		}
		return float64(e.Hook.Growths), true
	}},
	{"mapstats_hook_bytes_written_total", "counter", "Estimated bytes written by the hook's sampled writes.", func(e *Entry) (float64, bool) {
		if e.Hook == nil {
			return 0, false
		}
		return float64(e.Hook.BytesWritten), true
	}},
}

// writePrometheus writes the entries in Prometheus' text format (map
// names are registered names, valid label values as they are).
func writePrometheus(b *bytes.Buffer, entries []Entry) {
	for _, m := range metrics {
		header := false
		for i := range entries {
			v, ok := m.value(&entries[i])
			if !ok {
				continue
			}
			if !header {
				fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.kind)
				header = true
			}
			fmt.Fprintf(b, "%s{map=%q} %g\n", m.name, entries[i].Name, v)
		}
	}
}
