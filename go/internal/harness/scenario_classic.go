//go:build !go1.24

package harness

import (
	"fmt"
	"unsafe"

	"mapamp/internal/rtmap"
)

// growthDue is the growth the next insert of a new key would start
// (mapassign's check: !growing && (overLoadFactor(count+1, B) ||
// tooManyOverflowBuckets(noverflow, B))): "double", "same_size" or "".
func growthDue(h *rtmap.Header) string {
	if h.Growing() || h.Buckets == nil {
		return ""
	}
	count := h.Count + 1
	if count > rtmap.BucketCnt && uint64(count) > 13*((uint64(1)<<h.B)/2) {
		return "double"
	}
	b := h.B
	if b > 15 {
		b = 15
	}
	if h.Noverflow >= uint16(1)<<b {
		return "same_size"
	}
	return ""
}

// startGrowth inserts `trigger` (a new key) to start the due growth of
// kind `want` outside the region, and sets the region to drive the
// evacuation with deletes of absent keys. Units are the entries still to
// be moved (the trigger's own growWork may have moved one or two old
// buckets already).
func startGrowth[K comparable, V any](p *prepared[K, V], c *rtmap.Classic, src *keySource, want string) error {
	p.m[fromID[K](src.fresh())] = p.values[0]
	h := c.Header()
	if !h.Growing() || h.SameSizeGrowing() != (want == "same_size") {
		return fmt.Errorf("expected a %s growth to start, the map reads growing=%v same_size=%v", want, h.Growing(), h.SameSizeGrowing())
	}
	p.units = uint64(c.OldEntriesLeft(&h))
	p.unitsName = "entries evacuated"
	// Each driving delete evacuates at least the old bucket at nevacuate.
	for i := uintptr(0); i < h.NOldBuckets()+2; i++ {
		p.drive = append(p.drive, fromID[K](src.fresh()))
	}
	p.growing = func() bool { return c.Growing() }
	return nil
}

// prepareEvacuateDouble fills the map up to its doubling point, starts the
// doubling, and makes the region the evacuation.
func prepareEvacuateDouble[K comparable, V any](p *prepared[K, V], src *keySource) error {
	c, err := rtmap.Open(p.m)
	if err != nil {
		return err
	}
	for guard := 0; ; guard++ {
		h := c.Header()
		switch growthDue(&h) {
		case "double":
			return startGrowth(p, c, src, "double")
		case "same_size":
			return fmt.Errorf("a same-size growth became due while filling to the doubling point")
		}
		if guard > 8*len(p.m)+1024 {
			return fmt.Errorf("no doubling became due while filling; is the map presized far beyond N?")
		}
		p.m[fromID[K](src.fresh())] = p.values[0]
	}
}

// prepareEvacuateSameSize churns the map at constant size (delete a random
// live key, insert a new one) until a same-size growth is due, starts it,
// and makes the region the evacuation.
func prepareEvacuateSameSize[K comparable, V any](p *prepared[K, V], src *keySource, r *rng, live []uint64) error {
	c, err := rtmap.Open(p.m)
	if err != nil {
		return err
	}
	n := len(live)
	limit := 400*n + 100000
	for ops := 0; ; ops++ {
		h := c.Header()
		switch growthDue(&h) {
		case "same_size":
			return startGrowth(p, c, src, "same_size")
		case "double":
			return fmt.Errorf("a doubling became due during churn at constant size")
		}
		if ops > limit {
			return fmt.Errorf("same-size growth did not become due within %d churn operations at N = %d; use a larger N", limit, n)
		}
		i := int(r.below(uint64(len(live))))
		victim := live[i]
		live[i] = live[len(live)-1]
		live = live[:len(live)-1]
		delete(p.m, fromID[K](victim))
		id := src.fresh()
		p.m[fromID[K](id)] = p.values[ops%valuePool]
		live = append(live, id)
	}
}

// prepareOverflow fills n target buckets to exactly 8 entries and uses up
// the preallocated overflow buckets with spare chains of 9, so that each
// region write — one more key into each target bucket — takes a fresh
// overflow bucket. The keys are found through the map's own hash function
// and seed (the maptype's hasher, the header's hash0): random ids are
// hashed and kept for the bucket their low B bits select, until every
// chain has its keys.
func prepareOverflow[K comparable, V any](p *prepared[K, V], n int, seed uint64) error {
	c, err := rtmap.Open(p.m)
	if err != nil {
		return err
	}
	h := c.Header()
	if h.Buckets == nil {
		return fmt.Errorf("overflow needs a presized map (a hint with B >= 1); got B = %d", h.B)
	}
	nb := 1 << h.B
	prealloc, _ := c.PreallocLeft(h.NextOverflow)
	chains := n + prealloc
	if chains > nb {
		return fmt.Errorf("overflow: %d target and %d spare buckets do not fit in %d buckets", n, prealloc, nb)
	}
	keys := make([][]K, chains)
	found, need := 0, 9*chains
	r := newRng(seed ^ 0x6f766572666c6f77)
	kept := make(map[uint64]struct{}, need)
	for tries := 0; found < need; tries++ {
		if tries > 200*need+1000000 {
			return fmt.Errorf("overflow: found only %d of %d colliding keys", found, need)
		}
		id := r.next()
		k := fromID[K](id)
		b := int(c.Hash(unsafe.Pointer(&k)) & uintptr(nb-1))
		if _, dup := kept[id]; b < chains && len(keys[b]) < 9 && !dup {
			kept[id] = struct{}{}
			keys[b] = append(keys[b], k)
			found++
		}
	}
	for b := 0; b < n; b++ {
		for _, k := range keys[b][:8] {
			p.m[k] = p.values[0]
		}
	}
	for b := n; b < chains; b++ {
		for _, k := range keys[b] {
			p.m[k] = p.values[0]
		}
	}
	after := c.Header()
	if after.NextOverflow != nil {
		return fmt.Errorf("overflow: the preallocated overflow buckets were not used up; this is a bug in the scenario's setup")
	}
	if after.Growing() || after.B != h.B || growthDue(&after) != "" {
		return fmt.Errorf("overflow: the setup would trigger growth (B %d -> %d, noverflow %d); this is a bug in the scenario's sizing", h.B, after.B, after.Noverflow)
	}
	for b := 0; b < n; b++ {
		p.ops = append(p.ops, op[K]{key: keys[b][8], val: 1})
	}
	return nil
}

// prepareRehash refuses: small_to_table, table_grow and table_split are
// paths of the Swiss map (Go 1.24+).
func prepareRehash[K comparable, V any](p *prepared[K, V], src *keySource, path string, skipCap int) error {
	return fmt.Errorf("%s is a path of Go's Swiss map (Go 1.24+); this runtime's map is %s (buckets and overflow chains)", path, rtmap.Design)
}
