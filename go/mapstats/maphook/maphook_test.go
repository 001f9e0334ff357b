package maphook

import (
	"sort"
	"testing"
	"time"

	"mapamp/mapstats"
)

// structure is what mapstats says changes when a map grows.
func structure(t *testing.T, m map[uint64]uint64) [3]int {
	s, err := mapstats.Stats(m)
	if err != nil {
		t.Fatal(err)
	}
	if s.Classic != nil {
		g := 0
		if s.Classic.Growing {
			g = 1
		}
		return [3]int{int(s.Classic.B), g, s.Classic.Buckets}
	}
	return [3]int{s.Swiss.Capacity, len(s.Swiss.Tables), s.Swiss.DirLen}
}

func TestObservedWritesCountEveryGrowth(t *testing.T) {
	h := New()
	h.Enable(true)
	m := make(map[uint64]uint64)
	growths := 0
	prev := [3]int{}
	const n = 5000
	for i := uint64(1); i <= n; i++ {
		Set64(h, m, i*0x9E3779B97F4A7C15, i)
		cur := structure(t, m)
		// classic: a growth starts when B changes (the growing flag then
		// goes back off by itself); Swiss: any change of the tables.
		if cur[0] != prev[0] || cur[2] != prev[2] || (cur[1] == 1 && prev[1] == 0) {
			growths++
		}
		prev = cur
		if m[i*0x9E3779B97F4A7C15] != i {
			t.Fatalf("write %d not visible through the map", i)
		}
	}
	if len(m) != n {
		t.Fatalf("len %d after %d writes", len(m), n)
	}
	s := h.Stats()
	if s.Writes != n || s.Sampled != n {
		t.Fatalf("writes %d sampled %d; want %d", s.Writes, s.Sampled, n)
	}
	if growths < 5 || s.Growths != uint64(growths) {
		t.Fatalf("the hook saw %d growths, mapstats %d", s.Growths, growths)
	}
	if s.BytesWritten <= n*16 {
		t.Fatalf("bytes written %d: not above the payload %d", s.BytesWritten, n*16)
	}
	// Updates write the payload only.
	before := h.Stats()
	for i := uint64(1); i <= 100; i++ {
		Set64(h, m, i*0x9E3779B97F4A7C15, 0)
	}
	after := h.Stats()
	if after.Growths != before.Growths || after.BytesWritten-before.BytesWritten != 100*16 {
		t.Fatalf("100 updates: %d growths, %d bytes; want 0 and 1600", after.Growths-before.Growths, after.BytesWritten-before.BytesWritten)
	}
}

func TestOffAndSampled(t *testing.T) {
	h := New()
	m := make(map[uint64][2]uint64)
	for i := uint64(0); i < 1000; i++ {
		Set64(h, m, i, [2]uint64{i, i})
	}
	if s := h.Stats(); s.Writes != 0 || s.Sampled != 0 || len(m) != 1000 {
		t.Fatalf("off: %+v, len %d", s, len(m))
	}
	h.Enable(true)
	h.SetSampleEvery(20)
	for i := uint64(1000); i < 3000; i++ {
		Set64(h, m, i, [2]uint64{i, i})
	}
	if s := h.Stats(); s.Writes != 2000 || s.Sampled != 100 || len(m) != 3000 || m[2999] != [2]uint64{2999, 2999} {
		t.Fatalf("5%% canary over 2000 writes: %+v, len %d", s, len(m))
	}
	// An element too large for the fast path is counted, not observed.
	h.SetSampleEvery(1)
	h.Reset()
	big := make(map[uint64][32]uint64)
	Set64(h, big, 1, [32]uint64{7})
	if s := h.Stats(); s.Writes != 1 || s.Sampled != 0 || big[1][0] != 7 {
		t.Fatalf("large element: %+v", s)
	}
}

// Elements holding pointers go through the typed store (write barriers):
// the garbage collector must keep them alive.
func TestPointerElementsSurviveCollection(t *testing.T) {
	h := New()
	h.Enable(true)
	m := make(map[uint64]*[64]byte)
	for i := uint64(0); i < 2000; i++ {
		v := new([64]byte)
		v[0] = byte(i)
		Set64(h, m, i, v)
	}
	for i := 0; i < 3; i++ {
		collect()
	}
	for i := uint64(0); i < 2000; i++ {
		if m[i][0] != byte(i) {
			t.Fatalf("element %d lost", i)
		}
	}
}

func collect() {
	var ballast [][]byte
	for i := 0; i < 64; i++ {
		ballast = append(ballast, make([]byte, 1<<16))
	}
	_ = ballast
	runtimeGC()
}

// The overhead of the hook: ns per write (b.N writes into maps of 4096
// entries rebuilt from empty) and the p99 of a "request" of 256 writes.
func BenchmarkSet64(b *testing.B) {
	for _, c := range []struct {
		name  string
		on    bool
		every uint32
	}{{"plain", false, 0}, {"off", false, 1}, {"on", true, 1}, {"canary5pct", true, 20}} {
		b.Run(c.name, func(b *testing.B) {
			h := New()
			h.Enable(c.on)
			h.SetSampleEvery(c.every)
			const size, req = 4096, 256
			m := make(map[uint64]uint64)
			lat := make([]time.Duration, 0, b.N/req+1)
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				k := uint64(i%size) * 0x9E3779B97F4A7C15
				if i%size == 0 {
					m = make(map[uint64]uint64)
				}
				if c.name == "plain" {
					m[k] = uint64(i)
				} else {
					Set64(h, m, k, uint64(i))
				}
				if i%req == req-1 {
					now := time.Now()
					lat = append(lat, now.Sub(start))
					start = now
				}
			}
			b.StopTimer()
			if len(lat) > 0 {
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns/req")
			}
		})
	}
}
