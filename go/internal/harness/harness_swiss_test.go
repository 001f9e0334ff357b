//go:build go1.24

package harness

import (
	"strings"
	"testing"

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
	res, err := Run(&Spec{Scenario: "insert", N: 100, Keys: "random", KeySize: 8, ValueSize: 8, Lenses: []string{"accounting"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounting != nil || !strings.Contains(res.AccountingUnavailable, "goswiss") {
		t.Fatalf("accounting on the Swiss map: %+v %q", res.Accounting, res.AccountingUnavailable)
	}
}
