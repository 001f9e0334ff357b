//go:build go1.24

package mapstats

import "testing"

func TestLayoutMatchesThisRuntime(t *testing.T) {
	if err := CheckLayout(); err != nil {
		t.Fatalf("the Swiss map mirrors do not match %s: %v", GoVersion(), err)
	}
}

func TestSmallMapsBecomeTables(t *testing.T) {
	m := make(map[uint64]uint64)
	for i := uint64(1); i <= 8; i++ {
		m[i] = i
	}
	s, err := Stats(m)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Swiss.Small || s.Swiss.Used != 8 || s.Swiss.Capacity != 8 {
		t.Fatalf("8 entries: small %v used %d capacity %d; want a full small map", s.Swiss.Small, s.Swiss.Used, s.Swiss.Capacity)
	}
	m[9] = 9 // growToTable: a 16-slot table in a 1-entry directory
	s, err = Stats(m)
	if err != nil {
		t.Fatal(err)
	}
	w := s.Swiss
	if w.Small || w.DirLen != 1 || len(w.Tables) != 1 || w.Tables[0].Capacity != 16 || w.Tables[0].Used != 9 {
		t.Fatalf("9 entries: %+v; want one 16-slot table holding 9", w)
	}
}

func TestHintsPresizeTables(t *testing.T) {
	// hint 1000: 1000*8/7 = 1142 slots -> 2 tables of 1024 (1142/2 = 571, rounded up).
	s, err := Stats(make(map[uint64]uint64, 1000))
	if err != nil {
		t.Fatal(err)
	}
	w := s.Swiss
	if w.DirLen != 2 || len(w.Tables) != 2 || w.Capacity != 2048 {
		t.Fatalf("make(map, 1000): %+v; want 2 tables of 1024 slots", w)
	}
	for _, tb := range w.Tables {
		if tb.Used != 0 || tb.GrowthLeft != 896 || tb.Tombstones != 0 {
			t.Fatalf("an empty 1024-slot table: %+v; want growthLeft 896", tb)
		}
	}
}

// Tombstones are counted from control bytes; the runtime's own formula
// (capacity*7/8 - used - growthLeft) must agree at every step.
func TestTombstonesAgreeWithTheRuntimesFormula(t *testing.T) {
	m := make(map[uint64]uint64)
	for i := uint64(1); i <= 3000; i++ {
		m[i*0x9E3779B97F4A7C15] = i
	}
	for i := uint64(1); i <= 3000; i += 2 {
		delete(m, i*0x9E3779B97F4A7C15)
		if i%101 != 1 {
			continue
		}
		s, err := Stats(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range s.Swiss.Tables {
			if want := tb.Capacity*7/8 - tb.Used - tb.GrowthLeft; tb.Tombstones != want {
				t.Fatalf("table %d: %d tombstones counted, the runtime's formula says %d", tb.Index, tb.Tombstones, want)
			}
		}
		if s.Len != len(m) {
			t.Fatalf("Stats len %d, len(m) %d", s.Len, len(m))
		}
	}
}

func TestOnlyMapsAreRead(t *testing.T) {
	if _, err := Stats("x"); err == nil {
		t.Fatal("Stats of a string must fail")
	}
}
