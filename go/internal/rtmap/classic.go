//go:build !go1.24

// The classic map of Go 1.0 to 1.23 (src/runtime/map.go), mirrored as
// Go 1.19 lays it out: a header (hmap) pointing to an array of 2^B buckets,
// each 8 tophash bytes, 8 keys, 8 elements and an overflow pointer;
// during a growth the previous array is kept in oldbuckets and evacuated
// incrementally. Checked against go1.19.8 linux/amd64 (CheckLayout).

package rtmap

import (
	"bytes"
	"fmt"
	"runtime"
	"unsafe"
)

// Design names the map design of this build.
const Design = "classic"

// hmap mirrors runtime.hmap.
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      *mapextra
}

// mapextra mirrors runtime.mapextra.
type mapextra struct {
	overflow     *[]unsafe.Pointer
	oldoverflow  *[]unsafe.Pointer
	nextOverflow unsafe.Pointer
}

// maptype mirrors runtime.maptype (abi.MapType in Go 1.21 to 1.23).
type maptype struct {
	typ        rtype
	key        *rtype
	elem       *rtype
	bucket     *rtype
	hasher     func(unsafe.Pointer, uintptr) uintptr
	keysize    uint8
	elemsize   uint8
	bucketsize uint16
	flags      uint32
}

// Constants of runtime/map.go.
const (
	// BucketCnt is the number of slots in a bucket.
	BucketCnt = 8
	// EmptyRest marks an empty slot with no entries after it in the chain.
	EmptyRest = 0
	// EmptyOne marks an empty slot.
	EmptyOne = 1
	// EvacuatedX marks an old slot whose entry moved to the low half.
	EvacuatedX = 2
	// EvacuatedY marks an old slot whose entry moved to the high half.
	EvacuatedY = 3
	// EvacuatedEmpty marks an old slot that was empty when evacuated.
	EvacuatedEmpty = 4
	// MinTopHash is the smallest tophash of a live entry.
	MinTopHash = 5

	flagSameSizeGrow = 8
	dataOffset       = 8 // keys start after the 8 tophash bytes (64-bit)
	ptrSize          = 8
)

// Classic gives read access to one classic map's runtime structures.
type Classic struct {
	h *hmap
	t *maptype
}

// Open reads m's runtime header and type descriptor; an error if m is not
// a non-nil map or the layout check fails.
func Open(m any) (*Classic, error) {
	typ, data, err := mapWords(m)
	if err != nil {
		return nil, err
	}
	c := &Classic{h: (*hmap)(data), t: (*maptype)(typ)}
	if err := checkTypes(m, c.t.key, c.t.elem); err != nil {
		return nil, err
	}
	if want := c.expectedBucketSize(); uintptr(c.t.bucketsize) != want || c.t.bucket == nil || c.t.bucket.size != want {
		return nil, fmt.Errorf("rtmap: layout mismatch on %s: bucket size %d in the map type, %d computed from its key and element slots",
			runtime.Version(), c.t.bucketsize, want)
	}
	return c, nil
}

// expectedBucketSize is 8 tophash bytes, 8 key slots, 8 element slots and
// a pointer, for the key and element slot sizes of the type descriptor.
func (c *Classic) expectedBucketSize() uintptr {
	return dataOffset + BucketCnt*uintptr(c.t.keysize) + BucketCnt*uintptr(c.t.elemsize) + ptrSize
}

// Header is a copy of the map header's fields and of the overflow
// bookkeeping (`extra`), taken at one moment.
type Header struct {
	Count      int
	Flags      uint8
	B          uint8
	Noverflow  uint16
	Hash0      uint32
	Buckets    unsafe.Pointer
	OldBuckets unsafe.Pointer
	Nevacuate  uintptr
	// OverflowList is `*extra.overflow` (nil when absent): every overflow
	// bucket of the current array, in the order taken (pointer-free
	// buckets only; Go keeps no list when buckets hold pointers).
	OverflowList []unsafe.Pointer
	// OldOverflowList is `*extra.oldoverflow`: the overflow buckets of
	// the array being evacuated.
	OldOverflowList []unsafe.Pointer
	// HasExtra reports whether the header's `extra` is allocated.
	HasExtra bool
	// HasOverflowList reports whether `extra.overflow` is allocated.
	HasOverflowList bool
	// NextOverflow is `extra.nextOverflow`: the next preallocated
	// overflow bucket, nil when none is left.
	NextOverflow unsafe.Pointer
}

// Header copies the header now.
func (c *Classic) Header() Header {
	h := c.h
	out := Header{
		Count:      h.count,
		Flags:      h.flags,
		B:          h.B,
		Noverflow:  h.noverflow,
		Hash0:      h.hash0,
		Buckets:    h.buckets,
		OldBuckets: h.oldbuckets,
		Nevacuate:  h.nevacuate,
	}
	if x := h.extra; x != nil {
		if x.overflow != nil {
			out.OverflowList = *x.overflow
			out.HasOverflowList = true
		}
		if x.oldoverflow != nil {
			out.OldOverflowList = *x.oldoverflow
		}
		out.HasExtra = true
		out.NextOverflow = x.nextOverflow
	}
	return out
}

// Growing reports whether the map is growing now (oldbuckets != nil),
// reading one field.
func (c *Classic) Growing() bool { return c.h.oldbuckets != nil }

// Growing reports whether a growth is in progress (oldbuckets != nil).
func (h *Header) Growing() bool { return h.OldBuckets != nil }

// SameSizeGrowing reports whether the growth in progress keeps the size.
func (h *Header) SameSizeGrowing() bool { return h.Flags&flagSameSizeGrow != 0 }

// NOldBuckets is the bucket count of the array being evacuated.
func (h *Header) NOldBuckets() uintptr {
	if h.SameSizeGrowing() {
		return uintptr(1) << h.B
	}
	return uintptr(1) << (h.B - 1)
}

// BucketSize is the bucket size in bytes (t.bucketsize).
func (c *Classic) BucketSize() uintptr { return uintptr(c.t.bucketsize) }

// KeySlotSize is the bytes of a key slot (8 for an indirect key).
func (c *Classic) KeySlotSize() uintptr { return uintptr(c.t.keysize) }

// ElemSlotSize is the bytes of an element slot (8 for an indirect element).
func (c *Classic) ElemSlotSize() uintptr { return uintptr(c.t.elemsize) }

// KeySize is the key type's size.
func (c *Classic) KeySize() uintptr { return c.t.key.size }

// ElemSize is the element type's size.
func (c *Classic) ElemSize() uintptr { return c.t.elem.size }

// IndirectKey reports whether keys are stored through pointers.
func (c *Classic) IndirectKey() bool { return c.t.flags&1 != 0 }

// IndirectElem reports whether elements are stored through pointers.
func (c *Classic) IndirectElem() bool { return c.t.flags&2 != 0 }

// PointerFree reports whether buckets hold no pointers (then Go lists every
// overflow bucket in extra.overflow).
func (c *Classic) PointerFree() bool { return c.t.bucket.ptrdata == 0 }

// Hash is the map's own hash of the key at key, with the map's current seed.
func (c *Classic) Hash(key unsafe.Pointer) uintptr {
	return c.t.hasher(key, uintptr(c.h.hash0))
}

// Bucket is bucket i of array arr.
func (c *Classic) Bucket(arr unsafe.Pointer, i uintptr) unsafe.Pointer {
	return unsafe.Add(arr, i*c.BucketSize())
}

// Overflow is the overflow pointer of bucket b.
func (c *Classic) Overflow(b unsafe.Pointer) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Add(b, c.BucketSize()-ptrSize))
}

// Tophash is tophash byte i of bucket b.
func (c *Classic) Tophash(b unsafe.Pointer, i int) uint8 {
	return *(*uint8)(unsafe.Add(b, i))
}

// Key is the address of key i of bucket b (the key itself, also for an
// indirect key).
func (c *Classic) Key(b unsafe.Pointer, i int) unsafe.Pointer {
	k := unsafe.Add(b, dataOffset+uintptr(i)*c.KeySlotSize())
	if c.IndirectKey() {
		k = *(*unsafe.Pointer)(k)
	}
	return k
}

// KeyEqual reports whether the key at a equals the key at b (bytewise:
// mapamp's keys are arrays of integers).
func (c *Classic) KeyEqual(a, b unsafe.Pointer) bool {
	n := int(c.KeySize())
	return bytes.Equal(unsafe.Slice((*byte)(a), n), unsafe.Slice((*byte)(b), n))
}

// Evacuated reports whether old bucket b has been evacuated (its first
// tophash byte is one of the evacuation markers).
func (c *Classic) Evacuated(b unsafe.Pointer) bool {
	top := c.Tophash(b, 0)
	return top > EmptyOne && top < MinTopHash
}

// OldEntriesLeft counts the live entries still in old buckets that have
// not been evacuated (0 when no growth is in progress).
func (c *Classic) OldEntriesLeft(h *Header) int {
	if !h.Growing() {
		return 0
	}
	left := 0
	for i := uintptr(0); i < h.NOldBuckets(); i++ {
		b := c.Bucket(h.OldBuckets, i)
		if c.Evacuated(b) {
			continue
		}
		for ; b != nil; b = c.Overflow(b) {
			for s := 0; s < BucketCnt; s++ {
				if c.Tophash(b, s) >= MinTopHash {
					left++
				}
			}
		}
	}
	return left
}

// PreallocLeft walks from extra.nextOverflow to the sentinel (the last
// preallocated bucket, whose overflow pointer is set): the preallocated
// overflow buckets not yet handed out, and the last one's address.
func (c *Classic) PreallocLeft(next unsafe.Pointer) (left int, last unsafe.Pointer) {
	for b := next; b != nil; b = unsafe.Add(b, c.BucketSize()) {
		left++
		last = b
		if c.Overflow(b) != nil {
			break
		}
	}
	return left, last
}

// CheckLayout builds maps of known shape and checks that the mirrors read
// them as the language does: struct sizes, the type descriptor, count, B
// after a known number of inserts, and a walk of the buckets that finds
// exactly the map's keys. It returns an error naming the first mismatch.
func CheckLayout() error {
	if s := unsafe.Sizeof(hmap{}); s != 48 {
		return fmt.Errorf("rtmap: hmap mirror is %d bytes, want 48", s)
	}
	if s := unsafe.Sizeof(maptype{}); s != 88 {
		return fmt.Errorf("rtmap: maptype mirror is %d bytes, want 88", s)
	}
	m := make(map[uint64]uint64)
	for i := uint64(1); i <= 100; i++ {
		m[i*0x9E3779B97F4A7C15] = i
	}
	c, err := Open(m)
	if err != nil {
		return err
	}
	if c.BucketSize() != 144 || !c.PointerFree() || c.IndirectKey() || c.IndirectElem() {
		return fmt.Errorf("rtmap: layout mismatch on %s: map[uint64]uint64 bucket %d bytes, pointer-free %v (want 144, true)",
			runtime.Version(), c.BucketSize(), c.PointerFree())
	}
	h := c.Header()
	// 100 entries: growth starts at 9, 14, 27, 53, 105: B = 4 (16 buckets).
	if h.Count != 100 || h.B != 4 {
		return fmt.Errorf("rtmap: layout mismatch on %s: count %d, B %d after 100 inserts (want 100, 4)", runtime.Version(), h.Count, h.B)
	}
	if err := c.walkCheck(m); err != nil {
		return err
	}
	big := make(map[[32]uint64]uint8)
	cb, err := Open(big)
	if err != nil {
		return err
	}
	if !cb.IndirectKey() || cb.IndirectElem() || cb.KeySlotSize() != 8 {
		return fmt.Errorf("rtmap: layout mismatch on %s: a 256-byte key must be indirect", runtime.Version())
	}
	return nil
}

// walkCheck walks every chain (finishing any growth first is not needed:
// the map is walked where each entry lives) and checks that exactly the
// entries of m are found, each with its value.
func (c *Classic) walkCheck(m map[uint64]uint64) error {
	h := c.Header()
	seen := 0
	visit := func(arr unsafe.Pointer, n uintptr, old bool) error {
		for i := uintptr(0); i < n; i++ {
			b := c.Bucket(arr, i)
			if old && c.Evacuated(b) {
				continue
			}
			for ; b != nil; b = c.Overflow(b) {
				for s := 0; s < BucketCnt; s++ {
					if c.Tophash(b, s) < MinTopHash {
						continue
					}
					k := *(*uint64)(c.Key(b, s))
					v := *(*uint64)(unsafe.Add(b, dataOffset+BucketCnt*8+uintptr(s)*8))
					if mv, ok := m[k]; !ok || mv != v {
						return fmt.Errorf("rtmap: layout mismatch on %s: found key %#x value %d in the buckets, the map has %d (present %v)",
							runtime.Version(), k, v, mv, ok)
					}
					seen++
				}
			}
		}
		return nil
	}
	if h.Growing() {
		if err := visit(h.OldBuckets, h.NOldBuckets(), true); err != nil {
			return err
		}
	}
	if err := visit(h.Buckets, uintptr(1)<<h.B, false); err != nil {
		return err
	}
	if seen != len(m) {
		return fmt.Errorf("rtmap: layout mismatch on %s: walked %d entries, len(m) is %d", runtime.Version(), seen, len(m))
	}
	return nil
}
