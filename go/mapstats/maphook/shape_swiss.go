//go:build go1.24

package maphook

import (
	"unsafe"

	"mapamp/internal/rtmap"
)

// shape is what a write's growth is read from: Swiss, the directory and
// the key's table.
type shape struct {
	ok     bool
	len    int // entries a growth of the key's table moves
	dirLen int
	small  bool
	table  unsafe.Pointer
	slots  int
}

func shapeOf[V any](m map[uint64]V, k uint64) shape {
	s, err := rtmap.Open(m)
	if err != nil {
		return shape{}
	}
	// SAFETY: the hasher reads the 8 bytes of k, the map's key type.
	p := s.Peek(s.Hash(unsafe.Pointer(&k)))
	out := shape{ok: true, len: p.Table.Used, dirLen: p.DirLen, small: p.DirLen == 0, table: p.Table.Ptr, slots: p.Table.Capacity}
	if out.small {
		out.len = p.Used // a small map moves all its entries
		if p.SmallGroup {
			out.slots = rtmap.GroupSlots
		}
	}
	return out
}

// grew reports a growth between two shapes: a small map's first group or
// its move into a table, a directory grown, or the key's table replaced
// (grown in place or split).
func grew(a, b shape) bool {
	return a.ok && b.ok && (a.slots != b.slots || a.dirLen != b.dirLen || a.table != b.table)
}
