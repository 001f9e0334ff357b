package harness

import "unsafe"

// Observed is what one region run did to the runtime's map structures,
// observed by reading them through unsafe before and after every
// operation. The Rust side turns these counts into bytes per copy path with
// the model's layout arithmetic, marked derived: the runtime is not
// instrumented, its structure changes are.
type Observed struct {
	// Design is the map design observed (classic).
	Design string `json:"design"`
	// BucketBytes, KeySlotBytes and ElemSlotBytes are the runtime's sizes;
	// IndirectKey and IndirectElem whether slots hold pointers.
	BucketBytes   uint64 `json:"bucket_bytes"`
	KeySlotBytes  uint64 `json:"key_slot_bytes"`
	ElemSlotBytes uint64 `json:"elem_slot_bytes"`
	IndirectKey   bool   `json:"indirect_key"`
	IndirectElem  bool   `json:"indirect_elem"`
	// Inserts are writes of new keys (len grew), Updates writes of present
	// keys; Deletes removed a key, DeleteMisses found none.
	Inserts      uint64 `json:"inserts"`
	Updates      uint64 `json:"updates"`
	Deletes      uint64 `json:"deletes"`
	DeleteMisses uint64 `json:"delete_misses"`
	// DeleteMarkerBytes is the tophash bytes deletes set: emptyOne on the
	// deleted slot, plus every slot turned emptyRest.
	DeleteMarkerBytes uint64 `json:"delete_marker_bytes"`
	// FirstArrays is the one-bucket arrays a first write allocated (maps
	// made without a hint allocate their first bucket lazily).
	FirstArrays uint64 `json:"first_arrays"`
	// Growths are the growths started, in order.
	Growths []Growth `json:"growths"`
	// Evacuated is, per copy path (evacuate_double, evacuate_same_size),
	// the old buckets evacuated and the entries moved.
	Evacuated map[string]*Evacuation `json:"evacuated"`
	// Overflow is, per copy path (overflow for writes, the evacuating path
	// for destination chains), the overflow buckets taken and the
	// bookkeeping list's growth.
	Overflow map[string]*OverflowUse `json:"overflow"`
	// ExtraAllocs is the header extensions (mapextra) allocated;
	// ListHeaders the overflow lists (new([]*bmap)) allocated.
	ExtraAllocs uint64 `json:"extra_allocs"`
	ListHeaders uint64 `json:"list_headers"`
	// Swiss is what the region did to a Swiss map's tables (nil for the
	// classic map, whose changes are the fields above).
	Swiss *SwissObserved `json:"swiss,omitempty"`
}

// SwissObserved is the structure changes of a Swiss map (Go 1.24+) in one
// region run: its sizes, the small map's group allocated, every rehash and
// every tombstone pruning.
type SwissObserved struct {
	// GroupBytes is the runtime's group size; KeyBytes and ElemBytes its
	// key and element sizes.
	GroupBytes uint64 `json:"group_bytes"`
	KeyBytes   uint64 `json:"key_bytes"`
	ElemBytes  uint64 `json:"elem_bytes"`
	// SmallGroups is the small map's group a first write allocated (maps
	// made with a hint of at most 8 allocate it lazily).
	SmallGroups uint64 `json:"small_groups"`
	// Rehashes are the rehashes of the region, in order.
	Rehashes []Rehash `json:"rehashes"`
	// Prunes is the inserts that pruned tombstones; TombstonesPruned the
	// tombstones they turned back into empty slots.
	Prunes           uint64 `json:"prunes"`
	TombstonesPruned uint64 `json:"tombstones_pruned"`
	// TombstoneReuses is the inserts that filled a deleted slot.
	TombstoneReuses uint64 `json:"tombstone_reuses"`
	// Unexplained lists changes the observer could not read as one of the
	// above (the derivation refuses a region with any).
	Unexplained []string `json:"unexplained,omitempty"`
}

// Rehash is one rehash of a Swiss map.
type Rehash struct {
	// Path is small_to_table, table_grow or table_split.
	Path string `json:"path"`
	// Entries is the live entries moved.
	Entries uint64 `json:"entries"`
	// OldCapacity is the slots of the small group or table rehashed;
	// NewCapacity those of each new table; NewTables how many (2 for a
	// split).
	OldCapacity int `json:"old_capacity"`
	NewCapacity int `json:"new_capacity"`
	NewTables   int `json:"new_tables"`
	// DirEntries is the directory entries pointed at the new tables.
	DirEntries uint64 `json:"dir_entries"`
	// DirLen is the length of a directory the rehash allocated (the small
	// map's 1-entry directory, or the doubled one of a split); 0 if none.
	DirLen int `json:"dir_len"`
}

// Growth is one growth started in the region.
type Growth struct {
	// Kind is double or same_size.
	Kind string `json:"kind"`
	// B is log2 of the new array's main buckets.
	B uint8 `json:"b"`
	// ArrayBuckets is the new array's buckets: main plus preallocated overflow.
	ArrayBuckets uint64 `json:"array_buckets"`
	// Entries is the map's entries when the growth started.
	Entries uint64 `json:"entries"`
}

// Evacuation counts the evacuation work of one copy path.
type Evacuation struct {
	// MainBuckets is the old main buckets evacuated; ChainBuckets the old
	// buckets evacuated including overflow buckets (each gets 8 markers).
	MainBuckets  uint64 `json:"main_buckets"`
	ChainBuckets uint64 `json:"chain_buckets"`
	// Entries is the entries moved.
	Entries uint64 `json:"entries"`
}

// OverflowUse counts the overflow buckets one copy path took.
type OverflowUse struct {
	// Prealloc buckets came from an array's preallocated tail, Fresh ones
	// were allocated one at a time; Sentinels is the preallocated tails
	// used up (the last bucket's sentinel link is cleared when taken).
	Prealloc  uint64 `json:"prealloc"`
	Fresh     uint64 `json:"fresh"`
	Sentinels uint64 `json:"sentinels"`
	// ListAppends is the pointers appended to extra.overflow; ListCopyBytes
	// the bytes copied when the list moved to a larger array; ListAllocs
	// those arrays.
	ListAppends   uint64 `json:"list_appends"`
	ListCopyBytes uint64 `json:"list_copy_bytes"`
	ListAllocs    uint64 `json:"list_allocs"`
}

// opObserver is called around every operation of an observed region.
type opObserver interface {
	before(key unsafe.Pointer, del bool)
	after(key unsafe.Pointer, del bool)
}

// runObserved runs the region once (outside measuredRegion: this run
// counts, it is not timed) with obs around every operation.
func (p *prepared[K, V]) runObserved(obs opObserver) {
	if p.ran {
		panic("a prepared region runs once; prepare again")
	}
	p.ran = true
	m, values := p.m, p.values
	for i := range p.ops {
		o := &p.ops[i]
		obs.before(unsafe.Pointer(&o.key), o.del)
		if o.del {
			delete(m, o.key)
		} else {
			m[o.key] = values[o.val]
		}
		obs.after(unsafe.Pointer(&o.key), o.del)
	}
	if p.drive != nil {
		for i := 0; p.growing(); i++ {
			if i >= len(p.drive) {
				panic("the growth did not finish within the driving deletes")
			}
			k := &p.drive[i]
			obs.before(unsafe.Pointer(k), true)
			delete(m, *k)
			obs.after(unsafe.Pointer(k), true)
		}
	}
}
