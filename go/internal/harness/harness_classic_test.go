//go:build !go1.24

package harness

import (
	"testing"

	"mapamp/mapstats"
)

func observe(t *testing.T, sp *Spec) *Result {
	t.Helper()
	sp.Lenses = []string{"accounting"}
	res, err := Run(sp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounting == nil {
		t.Fatalf("no accounting: %s", res.AccountingUnavailable)
	}
	return res
}

// Every write of the overflow scenario takes a fresh overflow bucket,
// because the setup filled each target chain to exactly 8 and used up the
// preallocated tail: the colliding keys found through the runtime's hasher
// really collide.
func TestOverflowWritesEachTakeAFreshBucket(t *testing.T) {
	for _, n := range []int{16, 1000} {
		sp := spec("overflow", n)
		sp.Hint = 13 * (1 << 11) / 2 * 2 // B = 12: room for the chains
		res := observe(t, sp)
		o := res.Accounting
		u := o.Overflow["overflow"]
		if u == nil || u.Fresh != uint64(n) || u.Prealloc != 0 || o.Inserts != uint64(n) || len(o.Growths) != 0 {
			t.Fatalf("n = %d: %+v, overflow %+v", n, o, u)
		}
	}
}

// A doubling's evacuation moves every entry the setup left in the old
// array, and nothing else happens in the region.
func TestEvacuationMovesTheEntriesLeft(t *testing.T) {
	for _, kind := range []string{"evacuate_double", "evacuate_same_size"} {
		res := observe(t, spec(kind, 4096))
		o := res.Accounting
		ev := o.Evacuated[kind]
		if ev == nil || ev.Entries != res.Units || o.Inserts != 0 || o.Deletes != 0 || len(o.Growths) != 0 {
			t.Fatalf("%s: units %d, observed %+v, evacuated %+v", kind, res.Units, o, ev)
		}
		st := res.Structure.(mapstats.Snapshot).Classic
		if st.Growing {
			t.Fatalf("%s: still growing after the region", kind)
		}
	}
}

// Inserting N keys into an empty map starts the growths the runtime's
// load factor dictates, and every growth that finished moved the entries
// it started with.
func TestInsertGrowthsAreObserved(t *testing.T) {
	res := observe(t, spec("insert", 100000))
	o := res.Accounting
	want := []uint64{8, 13, 26, 52, 104, 208, 416, 832, 1664, 3328, 6656, 13312, 26624, 53248}
	if len(o.Growths) != len(want) || o.FirstArrays != 1 || o.Inserts != 100000 {
		t.Fatalf("growths %+v, first arrays %d", o.Growths, o.FirstArrays)
	}
	var total uint64
	for i, g := range o.Growths {
		if g.Entries != want[i] || g.Kind != "double" || g.B != uint8(i+1) {
			t.Fatalf("growth %d: %+v, want %d entries", i, g, want[i])
		}
		total += g.Entries
	}
	if ev := o.Evacuated["evacuate_double"]; ev == nil || ev.Entries != total {
		t.Fatalf("evacuated %+v, want %d entries", ev, total)
	}
	st := res.Structure.(mapstats.Snapshot).Classic
	var taken uint64
	for _, u := range o.Overflow {
		taken += u.Prealloc + u.Fresh
	}
	// Every overflow bucket of the final array was taken in the region
	// (the last growth finished), by a write or by the evacuation.
	if st.Growing || uint64(st.OverflowBuckets) > taken {
		t.Fatalf("final array has %d overflow buckets; %d taken in the region", st.OverflowBuckets, taken)
	}
}

func TestChurnDeletesSetMarkers(t *testing.T) {
	res := observe(t, spec("churn", 8192))
	o := res.Accounting
	if o.Deletes != 4096 || o.Inserts != 4096 || o.DeleteMarkerBytes < o.Deletes || o.DeleteMarkerBytes > 3*o.Deletes {
		t.Fatalf("churn: %+v", o)
	}
}
