//go:build go1.24

package harness

import (
	"fmt"
	"unsafe"

	"mapamp/internal/rtmap"
)

// prepareEvacuateDouble fills the map until the table the next new key
// belongs to has no growth left, and makes the region that one insert,
// which rehashes the table into one of twice the capacity (or splits a
// 1024-slot table in two). The table is found through the map's own hash
// function and seed (the map type's hasher, the header's seed) and the
// directory index (the hash's top globalDepth bits). Units are the
// entries the growth moves: the table's live entries.
func prepareEvacuateDouble[K comparable, V any](p *prepared[K, V], src *keySource) error {
	s, err := rtmap.Open(p.m)
	if err != nil {
		return err
	}
	for guard := 0; ; guard++ {
		if guard > 8*len(p.m)+1024 {
			return fmt.Errorf("no table became full while filling; is the map presized far beyond N?")
		}
		id := src.fresh()
		k := fromID[K](id)
		t, ok := s.TableFor(s.Hash(unsafe.Pointer(&k)))
		if !ok {
			if h := s.Header(); h.SmallFull == rtmap.GroupSlots {
				p.ops = []op[K]{{key: k}}
				p.units = uint64(h.Used)
				p.unitsName = "entries evacuated"
				return nil
			}
		} else if t.GrowthLeft == 0 && t.Tombstones == 0 {
			p.ops = []op[K]{{key: k}}
			p.units = uint64(t.Used)
			p.unitsName = "entries evacuated"
			return nil
		}
		p.m[k] = p.values[0]
	}
}

// prepareEvacuateSameSize refuses: the Swiss map never rehashes a table in
// place.
func prepareEvacuateSameSize[K comparable, V any](p *prepared[K, V], src *keySource, r *rng, live []uint64) error {
	return fmt.Errorf("evacuate_same_size does not apply to Go's Swiss map (%s): a table never rehashes in place; deleted slots are pruned in place or the table grows", rtmap.Design)
}

// prepareOverflow refuses: the Swiss map has no overflow chains.
func prepareOverflow[K comparable, V any](p *prepared[K, V], n int, seed uint64) error {
	return fmt.Errorf("overflow does not apply to Go's Swiss map: it has no overflow chains (a full table grows or splits)")
}
