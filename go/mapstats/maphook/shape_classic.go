//go:build !go1.24

package maphook

import "mapamp/internal/rtmap"

// shape is what a write's growth is read from: classic, B and whether an
// array is being evacuated.
type shape struct {
	ok      bool
	len     int // entries a growth starting now moves
	b       uint8
	growing bool
	slots   int
}

func shapeOf[V any](m map[uint64]V, _ uint64) shape {
	c, err := rtmap.Open(m)
	if err != nil {
		return shape{}
	}
	h := c.Header()
	s := shape{ok: true, len: h.Count, b: h.B, growing: h.Growing()}
	if h.Buckets != nil {
		s.slots = rtmap.BucketCnt << h.B
	}
	return s
}

// grew reports a growth started between two shapes: a new bucket array
// (the first one, B changed, or a same-size evacuation began).
func grew(a, b shape) bool {
	return a.ok && b.ok && (a.slots != b.slots || a.b != b.b || (!a.growing && b.growing))
}
