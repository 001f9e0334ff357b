//go:build go1.24

package main

import (
	"fmt"
	"unsafe"
)

// swissMap mirrors internal/runtime/maps.Map (Go 1.24-1.26, 64-bit).
type swissMap struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool
	clearSeq          uint64
}

// swissTable mirrors internal/runtime/maps.table.
type swissTable struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groups     unsafe.Pointer // groupsReference.data
	lengthMask uint64
}

const (
	groupSlots      = 8
	maxAvgGroupLoad = 7
	ctrlEmpty       = 0x80
)

// tableState is one table as the runtime's fields describe it.
type tableState struct {
	Capacity   uint16 `json:"capacity"`
	Used       uint16 `json:"used"`
	GrowthLeft uint16 `json:"growth_left"`
	Tombstones uint16 `json:"tombstones"`
	LocalDepth uint8  `json:"local_depth"`
	Index      int    `json:"index"`
}

type mapState struct {
	Used        uint64
	Small       bool
	DirLen      int
	GlobalDepth uint8
	Tables      []tableState
	Slots       int
}

func mapOf[K comparable, V any](m map[K]V) *swissMap {
	return *(**swissMap)(unsafe.Pointer(&m))
}

func directory(h *swissMap) []*swissTable {
	return unsafe.Slice((**swissTable)(h.dirPtr), h.dirLen)
}

// readMap reads the directory and every distinct table, in directory order.
func readMap[K comparable, V any](m map[K]V) mapState {
	h := mapOf(m)
	st := mapState{Used: h.used, DirLen: h.dirLen, GlobalDepth: h.globalDepth}
	if h.dirLen == 0 {
		st.Small = true
		if h.dirPtr != nil {
			st.Slots = groupSlots
		}
		return st
	}
	var last *swissTable
	for _, t := range directory(h) {
		if t == last {
			continue
		}
		last = t
		st.Tables = append(st.Tables, tableState{
			Capacity: t.capacity, Used: t.used, GrowthLeft: t.growthLeft,
			Tombstones: t.capacity*maxAvgGroupLoad/groupSlots - t.used - t.growthLeft,
			LocalDepth: t.localDepth, Index: t.index,
		})
		st.Slots += int(t.capacity)
	}
	return st
}

// groupStats: for the map's first table, how many groups hold 0..8 full
// slots, and the mean miss probe length (groups probed from each start
// group, triangularly, until a group with an empty slot).
func groupStats(m map[uint64]uint64) ([]int, float64) {
	h := mapOf(m)
	t := directory(h)[0]
	groups := int(t.lengthMask) + 1
	groupSize := uintptr(8 + groupSlots*16)
	ctrl := func(g int) uint64 { return *(*uint64)(unsafe.Add(t.groups, uintptr(g)*groupSize)) }
	hist := make([]int, groupSlots+1)
	hasEmpty := make([]bool, groups)
	for g := 0; g < groups; g++ {
		c := ctrl(g)
		full := 0
		for i := 0; i < groupSlots; i++ {
			b := byte(c >> (8 * i))
			if b&ctrlEmpty == 0 {
				full++
			}
			if b == ctrlEmpty {
				hasEmpty[g] = true
			}
		}
		hist[full]++
	}
	total := 0
	for start := 0; start < groups; start++ {
		off, idx, n := start, 0, 1
		for !hasEmpty[off] && n <= groups {
			idx++
			off = (off + idx) & int(t.lengthMask)
			n++
		}
		total += n
	}
	return hist, float64(total) / float64(groups)
}

// checkLayout verifies the mirrors: used agrees with len(m), every table's
// counters with its control bytes, and every directory range with its
// table's index and local depth.
func checkLayout(m map[uint64]uint64) {
	h := mapOf(m)
	if h.used != uint64(len(m)) {
		die("layout: Map.used = %d, len(m) = %d (mirror does not match this Go version)", h.used, len(m))
	}
	if h.dirLen == 0 {
		return
	}
	if h.dirLen != 1<<h.globalDepth {
		die("layout: dirLen %d, globalDepth %d", h.dirLen, h.globalDepth)
	}
	var sum uint64
	dir := directory(h)
	for i, t := range dir {
		entries := 1 << (h.globalDepth - t.localDepth)
		if t.index > i || i >= t.index+entries {
			die("layout: directory entry %d points at a table with index %d, depth %d", i, t.index, t.localDepth)
		}
		if t.index != i {
			continue
		}
		groupSize := uintptr(8 + groupSlots*16)
		full, deleted := 0, 0
		for g := 0; g <= int(t.lengthMask); g++ {
			c := *(*uint64)(unsafe.Add(t.groups, uintptr(g)*groupSize))
			for s := 0; s < groupSlots; s++ {
				b := byte(c >> (8 * s))
				switch {
				case b&ctrlEmpty == 0:
					full++
				case b == 0xFE:
					deleted++
				}
			}
		}
		ts := t.capacity*maxAvgGroupLoad/groupSlots - t.used - t.growthLeft
		if full != int(t.used) || deleted != int(ts) {
			die("layout: table %d has %d full / %d deleted slots, used %d, tombstones %d", i, full, deleted, t.used, ts)
		}
		sum += uint64(t.used)
	}
	if sum != h.used {
		die("layout: tables hold %d, map %d", sum, h.used)
	}
	_ = fmt.Sprint
}
