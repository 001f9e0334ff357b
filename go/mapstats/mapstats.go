// Package mapstats reports the structure of a live Go map as the runtime
// holds it: for the classic map of Go 1.0 to 1.23 its bucket array
// (B, chain lengths, overflow buckets, growth in progress); for the
// Swiss-table map of Go 1.24 and later its directory and tables (capacity,
// used, growthLeft, tombstones per table).
//
// The runtime's map structures are private and change between releases;
// they are read through unsafe with mirrors checked against the releases
// named in each design's file (classic: Go 1.19; Swiss: Go 1.26 and 1.27).
// Stats never returns figures it cannot vouch for: on a layout it does not
// recognise, or when the entries it counts do not add up to len(m), it
// returns an error instead.
//
//	m := make(map[uint64]uint64)
//	...
//	s, err := mapstats.Stats(m)
//	if err != nil { ... }
//	fmt.Println(s.Design, s.Len, s.Classic, s.Swiss)
//
// Stats reads the map without locking: the caller must make sure no
// goroutine writes the map meanwhile, as for any map read.
package mapstats

import "runtime"

// Snapshot is a map's structure at one moment.
type Snapshot struct {
	// GoVersion is the Go release of the running program.
	GoVersion string `json:"go_version"`
	// Design is "classic" (Go <= 1.23) or "swiss" (Go >= 1.24).
	Design string `json:"design"`
	// Len is len(m).
	Len int `json:"len"`
	// KeyBytes and ElemBytes are the sizes of the key and element types.
	KeyBytes  int `json:"key_bytes"`
	ElemBytes int `json:"elem_bytes"`
	// HeldBytes is the bytes of the map's own runtime structures: header,
	// bucket arrays or directory, tables and groups, overflow buckets and
	// their bookkeeping, an array being evacuated. It is the sum of the
	// structures' sizes, before the allocator rounds them to its size
	// classes, and it leaves out what keys and elements point to (and
	// keys or elements over 128 bytes, which the runtime stores
	// out of line).
	HeldBytes uint64 `json:"held_bytes"`
	// Classic is set for the classic design.
	Classic *Classic `json:"classic,omitempty"`
	// Swiss is set for the Swiss design.
	Swiss *Swiss `json:"swiss,omitempty"`
}

// Classic is the structure of a classic map's current bucket array
// (statistics over the current array, as in the table at the top of Go's
// runtime/map.go), plus the growth in progress.
type Classic struct {
	// B is log2 of the bucket count.
	B uint8 `json:"b"`
	// Buckets is the number of main buckets, 2^B (0 before the first write
	// of a map made without a hint).
	Buckets int `json:"buckets"`
	// Growing reports whether an evacuation is in progress.
	Growing bool `json:"growing"`
	// SameSizeGrowing reports whether that growth keeps the bucket count.
	SameSizeGrowing bool `json:"same_size_growing"`
	// Count is the number of entries (hmap.count).
	Count int `json:"count"`
	// EntriesInCurrent is the entries reachable from the current array.
	EntriesInCurrent int `json:"entries_in_current"`
	// OverflowBuckets is the overflow buckets reachable from the current array.
	OverflowBuckets int `json:"overflow_buckets"`
	// PctBucketsWithOverflow is the % of buckets with at least one overflow bucket.
	PctBucketsWithOverflow float64 `json:"pct_buckets_with_overflow"`
	// Hitprobe is the mean 1-based position of a live entry among the
	// filled slots of its chain.
	Hitprobe float64 `json:"hitprobe"`
	// Missprobe is the mean number of filled slots per chain.
	Missprobe float64 `json:"missprobe"`
	// OverheadBytesPerEntry is the bucket bytes per entry beyond its key and element.
	OverheadBytesPerEntry float64 `json:"overhead_bytes_per_entry"`
	// ChainLenHist[i] is the number of buckets whose chain is i buckets long.
	ChainLenHist []int `json:"chain_len_hist"`
	// Noverflow is the runtime's approximate overflow-bucket counter.
	Noverflow uint16 `json:"noverflow"`
	// BucketsAllocated is the main buckets plus the preallocated overflow
	// buckets of the current array.
	BucketsAllocated int `json:"buckets_allocated"`
	// PreallocOverflowFree is the preallocated overflow buckets not handed out yet.
	PreallocOverflowFree int `json:"prealloc_overflow_free"`
	// BucketBytes is the size of one bucket.
	BucketBytes uint64 `json:"bucket_bytes"`
	// OldBuckets is the main buckets of the array being evacuated (0 when not growing).
	OldBuckets int `json:"old_buckets"`
	// Nevacuate is the evacuation mark: old buckets below it are evacuated.
	Nevacuate int `json:"nevacuate"`
}

// Swiss is the structure of a Swiss-table map.
type Swiss struct {
	// Used is the number of entries.
	Used int `json:"used"`
	// Small reports a small map: one group of 8 slots, no table.
	Small bool `json:"small"`
	// DirLen is the directory length (0 for a small map).
	DirLen int `json:"dir_len"`
	// GlobalDepth is log2 of the directory length.
	GlobalDepth int `json:"global_depth"`
	// GroupBytes is the size of one group (control word and 8 slots).
	GroupBytes uint64 `json:"group_bytes"`
	// Capacity is the slots of all tables (8 for a small map).
	Capacity int `json:"capacity"`
	// Tombstones is the deleted slots of all tables.
	Tombstones int `json:"tombstones"`
	// Tables are the distinct tables, in directory order.
	Tables []Table `json:"tables"`
}

// Table is one table of a Swiss map.
type Table struct {
	// Index is the first directory entry pointing to the table.
	Index int `json:"index"`
	// Capacity is the number of slots.
	Capacity int `json:"capacity"`
	// Used is the number of entries.
	Used int `json:"used"`
	// GrowthLeft is the inserts into empty slots left before the table grows.
	GrowthLeft int `json:"growth_left"`
	// Tombstones is the deleted slots.
	Tombstones int `json:"tombstones"`
	// LocalDepth is the hash bits the table's entries share.
	LocalDepth int `json:"local_depth"`
}

// GoVersion is the Go release of the running program.
func GoVersion() string { return runtime.Version() }
