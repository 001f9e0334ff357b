//go:build go1.24

package main

import (
	"unsafe"

	"mapamp/internal/rtmap"
)

// The map's runtime structures are read through mapamp/internal/rtmap,
// whose mirrors of maps.Map and maps.table are checked against the
// running Go release (rtmap.CheckLayout, and Check on every map measured).

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

// open reads m's runtime structures; a layout that does not check out ends
// the program.
func open(m any) *rtmap.Swiss {
	s, err := rtmap.Open(m)
	if err != nil {
		die("layout: %v", err)
	}
	return s
}

// readMap reads the directory and every distinct table, in directory order.
func readMap(m any) mapState {
	h := open(m).Header()
	st := mapState{Used: uint64(h.Used), DirLen: h.DirLen, GlobalDepth: uint8(h.GlobalDepth), Small: h.Small()}
	if h.Small() {
		if h.SmallGroup {
			st.Slots = rtmap.GroupSlots
		}
		return st
	}
	for _, t := range h.Tables {
		st.Tables = append(st.Tables, tableState{
			Capacity: uint16(t.Capacity), Used: uint16(t.Used), GrowthLeft: uint16(t.GrowthLeft),
			Tombstones: uint16(t.Tombstones), LocalDepth: uint8(t.LocalDepth), Index: t.Index,
		})
		st.Slots += t.Capacity
	}
	return st
}

// changed reports whether the map's directory differs from dir (nil: the
// map was small without its group when dir was taken).
func changed(s *rtmap.Swiss, dir []unsafe.Pointer) bool {
	if p := s.Peek(0); p.DirLen == 0 {
		return p.SmallGroup && dir == nil && p.Used == 1
	}
	return !s.SameDirectory(dir)
}

// groupStats: for the map's first table, how many groups hold 0..8 full
// slots, and the mean miss probe length (groups probed from each start
// group, triangularly, until a group with an empty slot).
func groupStats(m map[uint64]uint64) ([]int, float64) {
	ctrls := open(m).Ctrls(0)
	groups := len(ctrls)
	mask := groups - 1
	hist := make([]int, rtmap.GroupSlots+1)
	hasEmpty := make([]bool, groups)
	for g, c := range ctrls {
		full := 0
		for i := 0; i < rtmap.GroupSlots; i++ {
			b := byte(c >> (8 * i))
			if b&rtmap.CtrlEmpty == 0 {
				full++
			}
			if b == rtmap.CtrlEmpty {
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
			off = (off + idx) & mask
			n++
		}
		total += n
	}
	return hist, float64(total) / float64(groups)
}

// checkLayout verifies the mirrors on m: used agrees with len(m), every
// table's counters with its control bytes, and every directory range with
// its table's index and local depth (rtmap's Check).
func checkLayout(m map[uint64]uint64) {
	if err := open(m).Check(len(m)); err != nil {
		die("layout: %v", err)
	}
}
