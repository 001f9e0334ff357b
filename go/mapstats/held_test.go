package mapstats

import (
	"runtime"
	"testing"
)

// A presized map allocates its structures at make: the bytes the heap
// hands out then are HeldBytes rounded up to the allocator's size classes
// (at most 1/8 more for the sizes here) and never less.
func TestHeldBytesAreWhatTheHeapAllocated(t *testing.T) {
	for _, n := range []int{100, 1000, 5000, 100000} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		m := make(map[uint64]uint64, n)
		runtime.ReadMemStats(&after)
		s, err := Stats(m)
		if err != nil {
			t.Fatal(err)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		if s.HeldBytes == 0 || alloc < s.HeldBytes || float64(alloc) > 1.125*float64(s.HeldBytes)+256 {
			t.Fatalf("make(map, %d): the heap allocated %d bytes, HeldBytes %d", n, alloc, s.HeldBytes)
		}
		if s.KeyBytes != 8 || s.ElemBytes != 8 {
			t.Fatalf("key %d elem %d bytes; want 8 and 8", s.KeyBytes, s.ElemBytes)
		}
		runtime.KeepAlive(m)
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
