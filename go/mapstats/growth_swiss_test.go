//go:build go1.24

package mapstats

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The growth points every run of mapamp's Swiss reference data agrees on
// (tests/data/go126/growth.json: small map -> 16-slot table, the doublings
// of that table, the first split) are where Stats sees the structure change;
// after them, where the hash seed decides, every change is a table of
// 1024 slots more and the entries still add up.
func TestSwissGrowthPointsMatchTheReferenceData(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "tests", "data", "go126", "growth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Runs []struct {
			Events []struct {
				N      int `json:"n"`
				DirLen int `json:"dir_len"`
				Tables int `json:"tables"`
				Slots  int `json:"slots"`
			} `json:"events"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) < 2 {
		t.Fatalf("%d runs in the reference data", len(d.Runs))
	}
	common := d.Runs[0].Events
	for _, r := range d.Runs[1:] {
		i := 0
		for i < len(common) && i < len(r.Events) && common[i] == r.Events[i] {
			i++
		}
		common = common[:i]
	}
	if len(common) < 8 {
		t.Fatalf("only %d growth points shared by every run", len(common))
	}
	at := map[int]int{}
	for i, e := range common {
		at[e.N] = i
	}
	last := common[len(common)-1].N
	m := make(map[uint64]uint64)
	prevSlots, prevTables := 0, 0
	for n := 1; n <= 4*last; n++ {
		m[uint64(n)*0x9E3779B97F4A7C15] = 1
		s, err := Stats(m)
		if err != nil {
			t.Fatalf("after %d inserts: %v", n, err)
		}
		w := s.Swiss
		if s.Len != n || w.Used != n {
			t.Fatalf("after %d inserts Stats says len %d used %d", n, s.Len, w.Used)
		}
		changed := w.Capacity != prevSlots || len(w.Tables) != prevTables
		if i, ok := at[n]; ok {
			e := common[i]
			if w.DirLen != e.DirLen || len(w.Tables) != e.Tables || w.Capacity != e.Slots {
				t.Fatalf("after %d inserts: dir_len %d tables %d slots %d; the reference data says %d %d %d",
					n, w.DirLen, len(w.Tables), w.Capacity, e.DirLen, e.Tables, e.Slots)
			}
		} else if n <= last && changed {
			t.Fatalf("after %d inserts the structure changed (slots %d -> %d); the reference data has no growth there", n, prevSlots, w.Capacity)
		} else if changed && (w.Capacity != prevSlots+1024 || len(w.Tables) != prevTables+1) {
			t.Fatalf("after %d inserts: slots %d -> %d, tables %d -> %d; a split adds one 1024-slot table", n, prevSlots, w.Capacity, prevTables, len(w.Tables))
		}
		prevSlots, prevTables = w.Capacity, len(w.Tables)
	}
}
