//go:build go1.24

package harness

import (
	"strings"
	"testing"
	"unsafe"

	"mapamp/mapstats"
)

// The region of evacuate_double is the one insert that grows a full
// table: afterwards the map holds more slots than before.
func TestAFullTableGrowsInTheRegion(t *testing.T) {
	sp := spec("evacuate_double", 4096)
	p, err := prepare[uint64, uint64](sp)
	if err != nil {
		t.Fatal(err)
	}
	before, err := mapstats.Stats(p.m)
	if err != nil {
		t.Fatal(err)
	}
	if p.units == 0 || len(p.ops) != 1 {
		t.Fatalf("units %d, %d ops", p.units, len(p.ops))
	}
	p.run()
	after, err := mapstats.Stats(p.m)
	if err != nil {
		t.Fatal(err)
	}
	if after.Swiss.Capacity <= before.Swiss.Capacity {
		t.Fatalf("capacity %d -> %d: the insert did not grow a table", before.Swiss.Capacity, after.Swiss.Capacity)
	}
}

func TestClassicOnlyScenariosAreRefused(t *testing.T) {
	for _, sc := range []string{"overflow", "evacuate_same_size"} {
		if _, err := Run(spec(sc, 100)); err == nil || !strings.Contains(err.Error(), "Swiss") {
			t.Fatalf("%s on the Swiss map: %v", sc, err)
		}
	}
}

// observe runs spec's region once under the observer.
func observe(t *testing.T, sp *Spec) *SwissObserved {
	t.Helper()
	sp.Lenses = []string{"accounting"}
	res, err := Run(sp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounting == nil || res.Accounting.Swiss == nil {
		t.Fatalf("%s: no Swiss accounting: %q", sp.Scenario, res.AccountingUnavailable)
	}
	sw := res.Accounting.Swiss
	if len(sw.Unexplained) > 0 {
		t.Fatalf("%s: unexplained changes: %v", sp.Scenario, sw.Unexplained)
	}
	if sw.GroupBytes != 8+8*uint64(sp.KeySize+sp.ValueSize) || sw.KeyBytes != uint64(sp.KeySize) {
		t.Fatalf("%s: group %d, key %d bytes", sp.Scenario, sw.GroupBytes, sw.KeyBytes)
	}
	return sw
}

// Each rehash scenario's region is the one insert that takes its path,
// and the observer reads it as that rehash with the entries it moved.
func TestTheObserverReadsEachRehash(t *testing.T) {
	for _, c := range []struct {
		scenario string
		n        int
		want     Rehash
	}{
		{"small_to_table", 1, Rehash{Path: "small_to_table", Entries: 8, OldCapacity: 8, NewCapacity: 16, NewTables: 1, DirLen: 1}},
		{"table_grow", 300, Rehash{Path: "table_grow", Entries: 448, OldCapacity: 512, NewCapacity: 1024, NewTables: 1, DirEntries: 1}},
		{"table_grow", 10, Rehash{Path: "table_grow", Entries: 14, OldCapacity: 16, NewCapacity: 32, NewTables: 1, DirEntries: 1}},
		// Two tables at depth 1 after the first split: the next full one
		// splits and doubles the directory to 4 entries.
		{"table_split", 897, Rehash{Path: "table_split", Entries: 896, OldCapacity: 1024, NewCapacity: 1024, NewTables: 2, DirEntries: 2, DirLen: 4}},
	} {
		sw := observe(t, spec(c.scenario, c.n))
		if len(sw.Rehashes) != 1 || sw.Rehashes[0] != c.want || sw.SmallGroups != 0 {
			t.Fatalf("%s n=%d: %+v, want one %+v", c.scenario, c.n, sw, c.want)
		}
	}
}

// Inserts into an empty map: the small group, the move into a table, the
// table doubling up to 1024 slots, then splits; nothing unexplained.
func TestTheObserverFollowsAGrowingMap(t *testing.T) {
	sw := observe(t, spec("insert", 5000))
	paths := map[string]int{}
	moved := uint64(0)
	for _, r := range sw.Rehashes {
		paths[r.Path]++
		moved += r.Entries
	}
	if sw.SmallGroups != 1 || paths["small_to_table"] != 1 || paths["table_grow"] != 6 || paths["table_split"] < 3 {
		t.Fatalf("rehashes %v, small groups %d", paths, sw.SmallGroups)
	}
	if moved < 5000 {
		t.Fatalf("%d entries moved for 5000 inserts", moved)
	}
	// Churn: deletes leave tombstones that inserts reuse.
	sp := spec("churn", 896)
	sp.ChurnRounds = 8
	if sw = observe(t, sp); sw.TombstoneReuses == 0 {
		t.Fatalf("churn: %+v", sw)
	}
}

// Churn at a constant size in one full 1024-slot table, deleting the
// oldest key each time (tombstones spread everywhere, as the model's
// prune scenario does): some insert finds no growth left and prunes.
func TestTheObserverSeesTombstonesPruned(t *testing.T) {
	m := make(map[uint64]uint64)
	src := newKeySource(false, 5)
	var live []uint64
	for len(live) < 896 {
		k := src.fresh()
		m[k] = k
		live = append(live, k)
	}
	obs, o, err := newObserver(m)
	if err != nil {
		t.Fatal(err)
	}
	do := func(k uint64, del bool) {
		obs.before(unsafe.Pointer(&k), del)
		if del {
			delete(m, k)
		} else {
			m[k] = k
		}
		obs.after(unsafe.Pointer(&k), del)
	}
	for i := 0; i < 200000 && o.Swiss.Prunes == 0; i++ {
		do(live[0], true)
		live = live[1:]
		k := src.fresh()
		do(k, false)
		live = append(live, k)
	}
	sw := o.Swiss
	if sw.Prunes == 0 || sw.TombstonesPruned < 103 || len(sw.Unexplained) > 0 || o.Deletes != o.Inserts {
		t.Fatalf("%+v, %d deletes, %d inserts", sw, o.Deletes, o.Inserts)
	}
}
