//go:build go1.24

package mapstats

import (
	"fmt"

	"mapamp/internal/rtmap"
)

// Stats reads the structure of map m (any map type).
func Stats(m any) (Snapshot, error) {
	s, err := rtmap.Open(m)
	if err != nil {
		return Snapshot{}, err
	}
	h := s.Header()
	out := &Swiss{
		Used:        h.Used,
		Small:       h.Small(),
		DirLen:      h.DirLen,
		GlobalDepth: h.GlobalDepth,
		GroupBytes:  uint64(s.GroupSize()),
		Tables:      []Table{},
	}
	counted := h.SmallFull
	if h.Small() {
		out.Capacity = rtmap.GroupSlots
	}
	for _, t := range h.Tables {
		out.Tables = append(out.Tables, Table{
			Index:      t.Index,
			Capacity:   t.Capacity,
			Used:       t.Used,
			GrowthLeft: t.GrowthLeft,
			Tombstones: t.Tombstones,
			LocalDepth: t.LocalDepth,
		})
		out.Capacity += t.Capacity
		out.Tombstones += t.Tombstones
		counted += t.Used
	}
	if counted != h.Used {
		return Snapshot{}, fmt.Errorf("mapstats: the tables hold %d entries, the map says %d: the runtime layout is not the one this build reads", counted, h.Used)
	}
	return Snapshot{
		GoVersion: GoVersion(), Design: rtmap.Design, Len: h.Used,
		KeyBytes: int(s.KeySize()), ElemBytes: int(s.ElemSize()),
		HeldBytes: swissHeld(&h, out), Swiss: out,
	}, nil
}

// CheckLayout checks the runtime mirrors against maps of known shape.
func CheckLayout() error { return rtmap.CheckLayout() }

// Sizes of the Swiss runtime's bookkeeping structures on 64-bit targets.
const (
	mapHeaderBytes = 48 // maps.Map
	tableBytes     = 32 // maps.table
)

// swissHeld is the bytes of the header, a small map's group or the
// directory, and every table with its groups.
func swissHeld(h *rtmap.Header, out *Swiss) uint64 {
	held := uint64(mapHeaderBytes)
	if h.Small() {
		if h.SmallGroup {
			held += out.GroupBytes
		}
		return held
	}
	held += uint64(h.DirLen) * 8
	for _, t := range out.Tables {
		held += tableBytes + uint64(t.Capacity/rtmap.GroupSlots)*out.GroupBytes
	}
	return held
}
