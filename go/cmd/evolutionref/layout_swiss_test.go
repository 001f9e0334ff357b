//go:build go1.24

package main

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"mapamp/internal/typeshape"
)

// groupType is reflectdata.MapGroupType's struct: a control word, then 8
// slots of key and value interleaved, or (GOEXPERIMENT=mapsplitgroup) 8
// keys then 8 values.
func groupType(k, v reflect.Type) reflect.Type {
	ctrl := reflect.StructField{Name: "Ctrl", Type: reflect.TypeOf(uint64(0))}
	if splitGroups {
		return reflect.StructOf([]reflect.StructField{ctrl,
			{Name: "Keys", Type: reflect.ArrayOf(8, inSlot(k))},
			{Name: "Elems", Type: reflect.ArrayOf(8, inSlot(v))},
		})
	}
	slot := reflect.StructOf([]reflect.StructField{
		{Name: "Key", Type: inSlot(k)},
		{Name: "Elem", Type: inSlot(v)},
	})
	return reflect.StructOf([]reflect.StructField{ctrl,
		{Name: "Slots", Type: reflect.ArrayOf(8, slot)},
	})
}

// mallocHeaders: Go 1.22+ (every Swiss release) has allocation headers.
const mallocHeaders = true

// groups is what an array of n groups takes from the heap.
func groups(k, v reflect.Type, n uint64) uint64 {
	g := groupType(k, v)
	return alloc(n*uint64(g.Size()), typeshape.HasPointers(g))
}

// tableBytes is maps.table (three uint16 counters, localDepth, index,
// the groups reference): 32 bytes.
const tableBytes = 32

// expect: the Swiss map (internal/runtime/maps NewMap, newTable,
// growToSmall); only cells whose tables never grow are exact, and those
// are all the cells with n <= 8, or a hint n <= 896 (one table whose
// capacity is the hint's 8/7 rounded up to a power of two).
func expect(r Record, k, v reflect.Type) (expectation, bool) {
	eb, eo := perEntry(k, v)
	n := uint64(r.N)
	switch {
	case r.N == 0:
		return expectation{hmapBytes, 1, true, "maps.Map only: no group before the first insert"}, true
	case r.N <= 8:
		return expectation{hmapBytes + groups(k, v, 1) + n*eb, 2 + n*eo, true, "maps.Map + the small map's one group"}, true
	case r.Hint == r.N && r.N <= 896:
		capacity := uint64(8)
		for capacity < n*8/7 {
			capacity *= 2
		}
		return expectation{hmapBytes + roundup(8) + tableBytes + groups(k, v, capacity/8) + n*eb, 4 + n*eo, true,
			"maps.Map + a one-table directory + the table + its groups"}, true
	}
	return expectation{}, false
}

// checkUpdate: Go 1.24-1.26 grow a full small map into a table (directory,
// table, 2 groups) before looking for the key; Go 1.27 updates in place.
func checkUpdate(t *testing.T, r Record) {
	t.Helper()
	k, v := goTypes[r.Key], goTypes[r.Value]
	want := expectation{0, 0, true, "Go 1.27 updates the existing key in place"}
	if strings.HasPrefix(runtime.Version(), "go1.2") && runtime.Version() < "go1.27" {
		want = expectation{roundup(8) + tableBytes + groups(k, v, 2), 3, true,
			"the write grows the small map to a 16-slot table first"}
	}
	// The median: a rare background allocation of the runtime can land in
	// one map's window (see tests/data/evolution/README.md).
	if r.HeapBytes != want.bytes || r.Objects != want.objects {
		t.Errorf("map[%s]%s full small map, update of an existing key: %d bytes in %d objects (spread %+v), want %d in %d (%s)",
			r.Key, r.Value, r.HeapBytes, r.Objects, r.Spread, want.bytes, want.objects, want.why)
	}
}
