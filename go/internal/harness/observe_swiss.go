//go:build go1.24

package harness

import (
	"fmt"
	"unsafe"

	"mapamp/internal/rtmap"
)

// The Swiss map's structure changes, operation by operation.
//
// Before and after every operation the observer reads the map header and
// the table the operation's key belongs to (rtmap.Peek: no group is
// scanned). From the differences it reads:
//   - inserts, updates, deletes (len);
//   - the small map's group allocated by a first write (no group before);
//   - the small map's move into a table (the directory appears): 8
//     entries moved into a 16-slot table under a 1-entry directory;
//   - a table grown: the key's table was replaced by one of twice the
//     capacity at the same local depth; every live entry of the old one
//     moved; the directory entries of its range repointed;
//   - a table split: a 1024-slot table replaced by two 1024-slot tables
//     one level deeper; the directory doubled first when the old table was
//     at the global depth;
//   - tombstones pruned: the table is the same but its tombstones, by the
//     runtime's own formula (7/8 of the capacity - used - growthLeft), fell
//     by more than the one an insert into a deleted slot takes (a prune
//     frees at least 10% of a table of 16 slots or more: 2 or more).
//
// A table is identified by its address; the snapshot before the operation
// holds the pointer, so a replaced table cannot be freed and its address
// reused within the operation. Anything else is recorded as unexplained,
// and the Rust side refuses to derive bytes from such a region.

type swissObserver struct {
	s    *rtmap.Swiss
	o    *Observed
	sw   *SwissObserved
	hash uintptr
	pre  rtmap.Peek
}

// newObserver starts observing map m (a map[K]V of the harness).
func newObserver(m any) (opObserver, *Observed, error) {
	s, err := rtmap.Open(m)
	if err != nil {
		return nil, nil, err
	}
	sw := &SwissObserved{
		GroupBytes: uint64(s.GroupSize()),
		KeyBytes:   uint64(s.KeySize()),
		ElemBytes:  uint64(s.ElemSize()),
		Rehashes:   []Rehash{},
	}
	o := &Observed{
		Design:    rtmap.Design,
		Growths:   []Growth{},
		Evacuated: map[string]*Evacuation{},
		Overflow:  map[string]*OverflowUse{},
		Swiss:     sw,
	}
	return &swissObserver{s: s, o: o, sw: sw}, o, nil
}

func (x *swissObserver) before(key unsafe.Pointer, del bool) {
	x.hash = x.s.Hash(key)
	x.pre = x.s.Peek(x.hash)
}

// unexplained records a change the observer cannot read (the first few).
func (x *swissObserver) unexplained(format string, args ...any) {
	if len(x.sw.Unexplained) < 8 {
		x.sw.Unexplained = append(x.sw.Unexplained, fmt.Sprintf(format, args...))
	}
}

func (x *swissObserver) after(key unsafe.Pointer, del bool) {
	o, sw := x.o, x.sw
	pre := &x.pre
	// A write keeps the seed (only a delete that empties the map draws a
	// new one), so the key's table is found with the same hash.
	post := x.s.Peek(x.hash)
	switch {
	case del && post.Used == pre.Used-1:
		o.Deletes++
	case del && post.Used == pre.Used:
		o.DeleteMisses++
	case !del && post.Used == pre.Used+1:
		o.Inserts++
	case !del && post.Used == pre.Used:
		o.Updates++
	default:
		x.unexplained("len went from %d to %d (delete: %v)", pre.Used, post.Used, del)
		return
	}
	if del {
		if post.DirLen != pre.DirLen || post.Table.Ptr != pre.Table.Ptr && post.Used > 0 {
			x.unexplained("a delete changed the structure (dirLen %d -> %d)", pre.DirLen, post.DirLen)
		}
		return
	}
	if pre.DirLen == 0 {
		if !pre.SmallGroup && (post.SmallGroup || post.DirLen > 0) {
			sw.SmallGroups++
		}
		if post.DirLen > 0 {
			sw.Rehashes = append(sw.Rehashes, Rehash{
				Path:        "small_to_table",
				Entries:     uint64(pre.Used),
				OldCapacity: rtmap.GroupSlots,
				NewCapacity: post.Table.Capacity,
				NewTables:   1,
				DirLen:      post.DirLen,
			})
		}
		return
	}
	a, b := &pre.Table, &post.Table
	if b.Ptr != a.Ptr {
		switch {
		case a.Capacity < rtmap.MaxTableCapacity && b.Capacity == 2*a.Capacity &&
			b.LocalDepth == a.LocalDepth && post.GlobalDepth == pre.GlobalDepth:
			sw.Rehashes = append(sw.Rehashes, Rehash{
				Path:        "table_grow",
				Entries:     uint64(a.Used),
				OldCapacity: a.Capacity,
				NewCapacity: b.Capacity,
				NewTables:   1,
				DirEntries:  uint64(1) << (post.GlobalDepth - a.LocalDepth),
			})
		case a.Capacity == rtmap.MaxTableCapacity && b.Capacity == rtmap.MaxTableCapacity &&
			b.LocalDepth == a.LocalDepth+1 &&
			(post.GlobalDepth == pre.GlobalDepth || post.GlobalDepth == pre.GlobalDepth+1 && a.LocalDepth == pre.GlobalDepth):
			r := Rehash{
				Path:        "table_split",
				Entries:     uint64(a.Used),
				OldCapacity: a.Capacity,
				NewCapacity: b.Capacity,
				NewTables:   2,
				DirEntries:  uint64(1) << (post.GlobalDepth - a.LocalDepth),
			}
			if post.GlobalDepth > pre.GlobalDepth {
				r.DirLen = post.DirLen
			}
			sw.Rehashes = append(sw.Rehashes, r)
		default:
			x.unexplained("a table of %d slots at depth %d became one of %d at depth %d (global depth %d -> %d)",
				a.Capacity, a.LocalDepth, b.Capacity, b.LocalDepth, pre.GlobalDepth, post.GlobalDepth)
		}
		return
	}
	if post.DirLen != pre.DirLen {
		x.unexplained("the directory changed (%d -> %d) but not the key's table", pre.DirLen, post.DirLen)
		return
	}
	d := a.Tombstones() - b.Tombstones()
	switch {
	case d == 0:
	case d == 1 && post.Used == pre.Used+1:
		sw.TombstoneReuses++
	case d >= 2 && post.Used == pre.Used+1:
		sw.Prunes++
		sw.TombstonesPruned += uint64(d)
	default:
		x.unexplained("tombstones went from %d to %d in a write", a.Tombstones(), b.Tombstones())
	}
}
