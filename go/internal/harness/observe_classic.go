//go:build !go1.24

package harness

import (
	"fmt"
	"unsafe"

	"mapamp/internal/rtmap"
)

// The classic map's structure changes, operation by operation.
//
// Before and after every operation the observer copies the map header
// (count, B, flags, buckets, oldbuckets, nevacuate, extra). From the
// differences it reads:
//   - inserts, updates, deletes (len);
//   - a first array (buckets nil -> set) and growths (buckets replaced;
//     doubling if B grew), with the new array's size: main buckets plus the
//     preallocated overflow buckets taken in the operation plus those left
//     (counted from extra.nextOverflow to the sentinel);
//   - overflow buckets taken: the pointers appended to extra.overflow (Go
//     lists every overflow bucket of pointer-free buckets there, in the
//     order taken). A bucket is preallocated when it is the next one after
//     the main buckets in the array (they are handed out in order), fresh
//     otherwise. A write took it when the inserted key sits in its slot 0
//     (an evacuation fills a destination from slot 0 first, so a bucket it
//     took holds an evacuated entry there); every other bucket taken while
//     growing was taken by the evacuation;
//   - evacuated old buckets: those among the candidates of the operation
//     (the old bucket of the key, the range the evacuation mark moved over;
//     all remaining ones when the growth finished) whose first tophash
//     turned into an evacuation marker; the entries moved are the slots
//     marked evacuatedX or evacuatedY, across the old bucket's chain;
//   - the tophash bytes a delete set: compared with a copy of the key's
//     chain taken before (or, when the key's old bucket was evacuated by
//     the delete itself, from the fact that a freshly evacuated chain holds
//     its entries contiguously from slot 0).

type classicGrowth struct {
	kind string
	old  unsafe.Pointer
	nOld uintptr
	done []bool
}

type classicGen struct {
	arr           unsafe.Pointer
	b             uint8
	listLen       int
	listCap       int
	prealloc      int
	preallocTotal int
	sentinel      bool
	lastPrealloc  string
}

type classicObserver struct {
	c    *rtmap.Classic
	o    *Observed
	gen  classicGen
	grow *classicGrowth
	pre  rtmap.Header
	hash uintptr
	snap []uint8
	// snapValid: snap holds the key's chain before a delete.
	snapValid bool
}

// newObserver starts observing map m (a map[K]V of the harness).
func newObserver(m any) (opObserver, *Observed, error) {
	c, err := rtmap.Open(m)
	if err != nil {
		return nil, nil, err
	}
	if !c.PointerFree() {
		return nil, nil, fmt.Errorf("derived accounting reads the overflow buckets from extra.overflow, which Go keeps only for pointer-free buckets; this map's buckets hold pointers (a key or value that is or holds one, such as a string or *T, or is over 128 bytes and so stored through one)")
	}
	o := &Observed{
		Design:        rtmap.Design,
		BucketBytes:   uint64(c.BucketSize()),
		KeySlotBytes:  uint64(c.KeySlotSize()),
		ElemSlotBytes: uint64(c.ElemSlotSize()),
		IndirectKey:   c.IndirectKey(),
		IndirectElem:  c.IndirectElem(),
		Growths:       []Growth{},
		Evacuated:     map[string]*Evacuation{},
		Overflow:      map[string]*OverflowUse{},
	}
	obs := &classicObserver{c: c, o: o}
	h := c.Header()
	obs.gen = classicGen{arr: h.Buckets, b: h.B}
	if h.Buckets != nil {
		obs.classify(h.OverflowList, nil, "overflow", false)
		left, _ := c.PreallocLeft(h.NextOverflow)
		obs.gen.preallocTotal = obs.gen.prealloc + left
		obs.gen.sentinel = obs.gen.preallocTotal > 0 && left == 0
	}
	if h.Growing() {
		kind := "double"
		if h.SameSizeGrowing() {
			kind = "same_size"
		}
		g := &classicGrowth{kind: kind, old: h.OldBuckets, nOld: h.NOldBuckets(), done: make([]bool, h.NOldBuckets())}
		for i := range g.done {
			g.done[i] = c.Evacuated(c.Bucket(g.old, uintptr(i)))
		}
		obs.grow = g
	}
	return obs, o, nil
}

func (x *classicObserver) before(key unsafe.Pointer, del bool) {
	c := x.c
	x.pre = c.Header()
	x.hash = c.Hash(key)
	x.snapValid = false
	if !del || x.pre.Buckets == nil {
		return
	}
	if x.pre.Growing() && !c.Evacuated(c.Bucket(x.pre.OldBuckets, x.hash&(x.pre.NOldBuckets()-1))) {
		return
	}
	x.snap = x.snap[:0]
	for b := x.chain(&x.pre); b != nil; b = c.Overflow(b) {
		for s := 0; s < rtmap.BucketCnt; s++ {
			x.snap = append(x.snap, c.Tophash(b, s))
		}
	}
	x.snapValid = true
}

// chain is the first bucket of the key's chain in h's current array.
func (x *classicObserver) chain(h *rtmap.Header) unsafe.Pointer {
	return x.c.Bucket(h.Buckets, x.hash&(uintptr(1)<<h.B-1))
}

func (x *classicObserver) after(key unsafe.Pointer, del bool) {
	c, o := x.c, x.o
	pre, post := &x.pre, c.Header()
	if !pre.HasExtra && post.HasExtra {
		o.ExtraAllocs++
	}
	var writeTaken unsafe.Pointer
	switch {
	case del && post.Count == pre.Count-1:
		o.Deletes++
		o.DeleteMarkerBytes += x.deleteMarkers(&post)
	case del:
		o.DeleteMisses++
	case post.Count == pre.Count+1:
		o.Inserts++
		writeTaken = x.slotZeroOverflow(key, &post)
	default:
		o.Updates++
	}
	started := pre.Buckets != nil && post.Buckets != pre.Buckets
	switch {
	case started:
		if x.grow != nil {
			// The growth in progress finished in this operation, before
			// the next one started: its overflow buckets are now listed
			// in extra.oldoverflow (while the new growth is in progress).
			prev := x.grow
			x.collect(prev, nil, 0, prev.nOld)
			if post.Growing() {
				x.classify(post.OldOverflowList, nil, "evacuate_"+prev.kind, true)
			}
			x.grow = nil
		}
		kind := "double"
		if post.B == pre.B {
			kind = "same_size"
		}
		g := &classicGrowth{kind: kind, old: pre.Buckets, nOld: uintptr(1) << pre.B, done: make([]bool, uintptr(1)<<pre.B)}
		x.gen = classicGen{arr: post.Buckets, b: post.B}
		if post.HasOverflowList {
			o.ListHeaders++
		}
		x.classify(post.OverflowList, writeTaken, "evacuate_"+kind, true)
		left, _ := c.PreallocLeft(post.NextOverflow)
		x.gen.preallocTotal = x.gen.prealloc + left
		o.Growths = append(o.Growths, Growth{
			Kind:         kind,
			B:            post.B,
			ArrayBuckets: uint64(1)<<post.B + uint64(x.gen.preallocTotal),
			Entries:      uint64(pre.Count),
		})
		if post.Growing() {
			x.collect(g, &x.hash, 0, post.Nevacuate)
			x.grow = g
		} else {
			x.collect(g, nil, 0, g.nOld)
		}
	case pre.Buckets == nil && post.Buckets != nil:
		o.FirstArrays++
		x.gen = classicGen{arr: post.Buckets, b: post.B}
		if !pre.HasOverflowList && post.HasOverflowList {
			o.ListHeaders++
		}
		x.classify(post.OverflowList, writeTaken, "", true)
	default:
		if !pre.HasOverflowList && post.HasOverflowList {
			o.ListHeaders++
		}
		evac := ""
		if x.grow != nil {
			evac = "evacuate_" + x.grow.kind
		}
		x.classify(post.OverflowList, writeTaken, evac, true)
		if g := x.grow; g != nil {
			if post.Growing() {
				x.collect(g, &x.hash, pre.Nevacuate, post.Nevacuate)
			} else {
				x.collect(g, nil, 0, g.nOld)
				x.grow = nil
			}
		}
	}
	gen := &x.gen
	if gen.preallocTotal > 0 && gen.prealloc == gen.preallocTotal && !gen.sentinel {
		gen.sentinel = true
		x.use(gen.lastPrealloc).Sentinels++
	}
}

func (x *classicObserver) use(path string) *OverflowUse {
	u := x.o.Overflow[path]
	if u == nil {
		u = &OverflowUse{}
		x.o.Overflow[path] = u
	}
	return u
}

// classify counts the list entries of the current generation not seen yet:
// the bucket writeTaken (if any) on the overflow path, the others on
// evacPath ("" outside a growth: the overflow path). With count false it
// only brings the generation's counters up to date (observer start).
func (x *classicObserver) classify(list []unsafe.Pointer, writeTaken unsafe.Pointer, evacPath string, count bool) {
	gen := &x.gen
	for ; gen.listLen < len(list); gen.listLen++ {
		ptr := list[gen.listLen]
		path := evacPath
		if ptr == writeTaken || path == "" {
			path = "overflow"
		}
		next := uintptr(gen.arr) + (uintptr(1)<<gen.b+uintptr(gen.prealloc))*x.c.BucketSize()
		prealloc := gen.arr != nil && uintptr(ptr) == next
		if prealloc {
			gen.prealloc++
			gen.lastPrealloc = path
		}
		if !count {
			continue
		}
		u := x.use(path)
		if prealloc {
			u.Prealloc++
		} else {
			u.Fresh++
		}
		u.ListAppends++
		if gen.listLen == gen.listCap {
			u.ListCopyBytes += 8 * uint64(gen.listLen)
			u.ListAllocs++
			gen.listCap = nextListCap(gen.listCap, cap(list))
		}
	}
	gen.listCap = cap(list)
}

// nextListCap is the capacity append gives a full []unsafe.Pointer of
// capacity c (Go 1.19's growslice: 1 from empty, doubling below 256); at
// 256 and above an operation grows the list at most once, to `final`.
func nextListCap(c, final int) int {
	switch {
	case c == 0:
		return 1
	case c < 256 && 2*c <= final:
		return 2 * c
	default:
		return final
	}
}

// collect counts the old buckets of growth g evacuated by this operation:
// the key's old bucket (if hash is not nil) and those in [from, to), each
// unless counted before.
func (x *classicObserver) collect(g *classicGrowth, hash *uintptr, from, to uintptr) {
	if hash != nil {
		x.collectOne(g, *hash&(g.nOld-1))
	}
	for i := from; i < to && i < g.nOld; i++ {
		x.collectOne(g, i)
	}
}

func (x *classicObserver) collectOne(g *classicGrowth, i uintptr) {
	c := x.c
	b := c.Bucket(g.old, i)
	if g.done[i] || !c.Evacuated(b) {
		return
	}
	g.done[i] = true
	path := "evacuate_" + g.kind
	ev := x.o.Evacuated[path]
	if ev == nil {
		ev = &Evacuation{}
		x.o.Evacuated[path] = ev
	}
	ev.MainBuckets++
	for ; b != nil; b = c.Overflow(b) {
		ev.ChainBuckets++
		for s := 0; s < rtmap.BucketCnt; s++ {
			if top := c.Tophash(b, s); top == rtmap.EvacuatedX || top == rtmap.EvacuatedY {
				ev.Entries++
			}
		}
	}
}

// slotZeroOverflow is the overflow bucket whose slot 0 holds the key just
// inserted (nil when the key is elsewhere).
func (x *classicObserver) slotZeroOverflow(key unsafe.Pointer, h *rtmap.Header) unsafe.Pointer {
	c := x.c
	pos := 0
	for b := x.chain(h); b != nil; b = c.Overflow(b) {
		for s := 0; s < rtmap.BucketCnt; s++ {
			if c.Tophash(b, s) >= rtmap.MinTopHash && c.KeyEqual(c.Key(b, s), key) {
				if pos >= 1 && s == 0 {
					return b
				}
				return nil
			}
		}
		pos++
	}
	return nil
}

// deleteMarkers is the tophash bytes a delete set: emptyOne on the slot,
// and emptyRest on every slot that became one.
func (x *classicObserver) deleteMarkers(h *rtmap.Header) uint64 {
	c := x.c
	var n uint64 = 1
	i, emptyOne := 0, 0
	for b := x.chain(h); b != nil; b = c.Overflow(b) {
		for s := 0; s < rtmap.BucketCnt; s++ {
			top := c.Tophash(b, s)
			if x.snapValid && i < len(x.snap) && top == rtmap.EmptyRest && x.snap[i] != rtmap.EmptyRest {
				n++
			}
			if top == rtmap.EmptyOne {
				emptyOne++
			}
			i++
		}
	}
	if !x.snapValid && emptyOne == 0 {
		// A freshly evacuated chain: the deleted slot ended the chain's
		// entries and became emptyRest too.
		n++
	}
	return n
}
