package mapstats

import (
	"runtime"
	"testing"
)

// A presized map allocates its structures at make: the bytes the heap
// hands out then are HeldBytes rounded up to the allocator's size classes
// (at most 1/8 more for the sizes here) and never less. The runtime's own
// background work can allocate inside the window (a few KB, rarely), which
// only ever adds bytes: the map's figure is the least of five makes.
func TestHeldBytesAreWhatTheHeapAllocated(t *testing.T) {
	for _, n := range []int{100, 1000, 5000, 100000} {
		var alloc, held uint64
		for try := 0; try < 5; try++ {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			m := make(map[uint64]uint64, n)
			runtime.ReadMemStats(&after)
			s, err := Stats(m)
			if err != nil {
				t.Fatal(err)
			}
			if s.KeyBytes != 8 || s.ElemBytes != 8 {
				t.Fatalf("key %d elem %d bytes; want 8 and 8", s.KeyBytes, s.ElemBytes)
			}
			if a := after.TotalAlloc - before.TotalAlloc; try == 0 || a < alloc {
				alloc = a
			}
			held = s.HeldBytes
			runtime.KeepAlive(m)
		}
		if held == 0 || alloc < held || float64(alloc) > 1.125*float64(held)+256 {
			t.Fatalf("make(map, %d): the heap allocated %d bytes (least of 5), HeldBytes %d", n, alloc, held)
		}
	}
}

// Filled without a hint, the map holds at least its entries' bytes and at
// most what the heap handed out for it (old arrays included).
func TestHeldBytesOfAGrownMap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := make(map[uint64][4]uint64)
	for i := uint64(0); i < 20000; i++ {
		m[i] = [4]uint64{i}
	}
	runtime.ReadMemStats(&after)
	s, err := Stats(m)
	if err != nil {
		t.Fatal(err)
	}
	if s.HeldBytes < 20000*40 || s.HeldBytes > after.TotalAlloc-before.TotalAlloc {
		t.Fatalf("HeldBytes %d: want between the payload %d and the bytes allocated %d", s.HeldBytes, 20000*40, after.TotalAlloc-before.TotalAlloc)
	}
}
