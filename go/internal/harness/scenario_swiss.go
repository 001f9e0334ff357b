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

// rehashFor is the rehash inserting key k would make ("" for none, or
// "other" when it cannot be told cheaply: a full table with tombstones,
// whose probe may reuse one) and the entries it would move, as the
// model's rehash_for tells it.
func rehashFor[K comparable, V any](p *prepared[K, V], s *rtmap.Swiss, k K) (path string, dirGrow bool, entries int) {
	if _, ok := p.m[k]; ok {
		return "", false, 0
	}
	pk := s.Peek(s.Hash(unsafe.Pointer(&k)))
	if pk.DirLen == 0 {
		if pk.Used >= rtmap.GroupSlots {
			return "small_to_table", false, pk.Used
		}
		return "", false, 0
	}
	t := &pk.Table
	switch {
	case t.GrowthLeft > 0:
		return "", false, 0
	case t.Tombstones() > 0:
		return "other", false, t.Used
	case t.Capacity < rtmap.MaxTableCapacity:
		return "table_grow", false, t.Used
	default:
		return "table_split", t.LocalDepth == pk.GlobalDepth, t.Used
	}
}

// prepareRehash makes the region the one insert that takes copy path
// `path` (small_to_table, table_grow or table_split), as the model's
// swiss_rehash_region does: fresh keys are inserted until one would
// rehash that way; keys whose insert would rehash another way are skipped
// (at most skipCap of them). A split that doubles the directory is taken
// only when no table is below the global depth (the model prefers a split
// that leaves the directory alone). Units are the entries moved.
func prepareRehash[K comparable, V any](p *prepared[K, V], src *keySource, path string, skipCap int) error {
	s, err := rtmap.Open(p.m)
	if err != nil {
		return err
	}
	deeper := false
	if h := s.Header(); !h.Small() {
		for _, t := range h.Tables {
			deeper = deeper || t.LocalDepth < h.GlobalDepth
		}
	}
	inserted, skipped := 0, 0
	for {
		k := fromID[K](src.fresh())
		got, dirGrow, entries := rehashFor(p, s, k)
		switch {
		case got == path && !(dirGrow && deeper):
			p.ops = []op[K]{{key: k}}
			p.units = uint64(entries)
			p.unitsName = "entries evacuated"
			return nil
		case got == "":
			p.m[k] = p.values[0]
			inserted++
			if inserted > 4000000 {
				return fmt.Errorf("no %s within 4M inserts", path)
			}
		default:
			skipped++
			if skipped > skipCap {
				return fmt.Errorf("the setup met a %s before the %s it prepares; this is a bug in the scenario's sizing", got, path)
			}
		}
	}
}
