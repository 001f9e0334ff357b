//go:build !go1.24

package mapstats

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fidelityData reads a file of mapamp's Go 1.19 reference data
// (data/go119, written by go/cmd/goreference from this runtime).
func fidelityData(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "data", "go119", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func TestLayoutMatchesThisRuntime(t *testing.T) {
	if err := CheckLayout(); err != nil {
		t.Fatalf("the classic map mirrors do not match %s: %v", GoVersion(), err)
	}
}

func TestGrowthStartsWhereTheReferenceDataSays(t *testing.T) {
	var d struct {
		GrowthStartCounts []int `json:"growth_start_counts"`
	}
	fidelityData(t, "growth_points.json", &d)
	starts := map[int]bool{}
	for _, c := range d.GrowthStartCounts {
		if c <= 1<<16 {
			starts[c] = true
		}
	}
	if len(starts) < 10 {
		t.Fatalf("only %d growth points in the reference data", len(starts))
	}
	m := make(map[uint64]uint64)
	prevB := uint8(0)
	for i := 1; i <= 1<<16; i++ {
		m[uint64(i)*0x9E3779B97F4A7C15] = 1
		if !starts[i] && !starts[i+1] && i%997 != 0 {
			continue // Stats walks every bucket: read it where B may change
		}
		s, err := Stats(m)
		if err != nil {
			t.Fatalf("after %d inserts: %v", i, err)
		}
		c := s.Classic
		if s.Len != i || c.Count != i {
			t.Fatalf("after %d inserts Stats says len %d, count %d", i, s.Len, c.Count)
		}
		if grew := c.B != prevB; grew != starts[i] {
			t.Fatalf("after %d inserts B went %d -> %d; the reference data has a growth start there: %v", i, prevB, c.B, starts[i])
		}
		prevB = c.B
		hist := 0
		overflow := 0
		for l, n := range c.ChainLenHist {
			hist += n
			if l > 0 {
				overflow += (l - 1) * n
			}
		}
		if hist != c.Buckets || overflow != c.OverflowBuckets {
			t.Fatalf("after %d inserts: chain histogram covers %d buckets with %d overflow; Stats says %d and %d", i, hist, overflow, c.Buckets, c.OverflowBuckets)
		}
	}
}

func TestPreallocatedOverflowMatchesTheReferenceData(t *testing.T) {
	var d struct {
		HintByB []int `json:"hint_by_b"`
		Rows    []struct {
			KeySize     int   `json:"key_size"`
			ValueSize   int   `json:"value_size"`
			Bucketsize  int   `json:"bucketsize"`
			PreallocByB []int `json:"prealloc_overflow_by_b"`
		} `json:"rows"`
	}
	fidelityData(t, "prealloc_overflow.json", &d)
	for _, r := range d.Rows {
		if r.KeySize != 8 || r.ValueSize != 8 {
			continue
		}
		for b := 1; b <= 16; b++ {
			m := make(map[uint64]uint64, d.HintByB[b])
			s, err := Stats(m)
			if err != nil {
				t.Fatal(err)
			}
			c := s.Classic
			if int(c.B) != b || c.BucketBytes != uint64(r.Bucketsize) {
				t.Fatalf("make(map, %d): B %d, bucket %d bytes; want B %d, %d bytes", d.HintByB[b], c.B, c.BucketBytes, b, r.Bucketsize)
			}
			if c.PreallocOverflowFree != r.PreallocByB[b] || c.BucketsAllocated != 1<<b+r.PreallocByB[b] {
				t.Fatalf("B = %d: %d preallocated overflow buckets free, %d allocated; the reference data says %d", b, c.PreallocOverflowFree, c.BucketsAllocated, r.PreallocByB[b])
			}
		}
		return
	}
	t.Fatal("no k8v8 row in the reference data")
}

func TestAGrowthInProgressIsReported(t *testing.T) {
	m := make(map[uint64]uint64)
	for i := uint64(1); i <= 105; i++ { // the 105th insert starts B 4 -> 5
		m[i] = i
	}
	s, err := Stats(m)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Classic
	if !c.Growing || c.SameSizeGrowing || c.B != 5 || c.OldBuckets != 16 {
		t.Fatalf("after 105 inserts: growing %v same-size %v B %d old buckets %d; want a doubling 16 -> 32 in progress", c.Growing, c.SameSizeGrowing, c.B, c.OldBuckets)
	}
	if c.EntriesInCurrent >= 105 {
		t.Fatalf("mid-growth every entry is in the new array (%d)", c.EntriesInCurrent)
	}
}

func TestOnlyMapsAreRead(t *testing.T) {
	if _, err := Stats(5); err == nil {
		t.Fatal("Stats(5) must fail")
	}
	var nilMap map[uint64]uint64
	if _, err := Stats(nilMap); err == nil {
		t.Fatal("Stats of a nil map must fail")
	}
}
