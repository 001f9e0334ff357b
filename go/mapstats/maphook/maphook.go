// Package maphook counts the writes, growths and estimated bytes written of
// maps a program routes through it, by calling the runtime's map
// assignment entry point itself (`//go:linkname` to
// runtime.mapassign_fast64) and reading the map's structure before and
// after the write.
//
//	var h = maphook.New()
//	...
//	maphook.Set64(h, m, k, v) // instead of m[k] = v
//
// The hook is off until Enable(true); off, Set64 is m[k] = v behind one
// atomic load. On, every SampleEvery-th write (1: all, 20: a 5% canary) is
// observed: the runtime's assign is called directly, the structure read
// before and after (classic: B and the array being evacuated; Swiss: the
// directory and the key's table), a growth counted when it changed. The
// other writes are m[k] = v plus one atomic add. Writes is every write
// made while on; Sampled, Growths and BytesWritten are of the observed
// writes only (multiply by SampleEvery for an estimate of all).
//
// BytesWritten is an estimate: the key and element of every observed
// write, plus for each growth seen the entries it moves (classic: len at
// the growth start; Swiss: the used entries of the key's table, or of the
// small map; times key+element bytes) and one control or tophash byte per new slot.
//
// The runtime's entry points keep their linkname because widely used
// packages reach them; this package is checked on Go 1.19, 1.26 and 1.27
// (with and without GOEXPERIMENT=mapsplitgroup), where the function has the
// same shape: (map type, map header, key uint64) -> element slot.
package maphook

import (
	"sync/atomic"
	"unsafe"
)

// mapassign_fast64 is the runtime's assignment of a uint64-keyed map with
// elements of at most 128 bytes: it inserts the key if absent (growing the
// map as needed) and returns the element's slot.
//
//go:linkname mapassign_fast64 runtime.mapassign_fast64
//go:noescape
func mapassign_fast64(typ unsafe.Pointer, m unsafe.Pointer, key uint64) unsafe.Pointer

// maxFastElem is the largest element the runtime's fast path stores in
// line (larger ones are stored out of line and take the generic path).
const maxFastElem = 128

// Hook is a switch and counters shared by the maps routed through it.
type Hook struct {
	on      atomic.Bool
	every   atomic.Uint32
	tick    atomic.Uint64
	writes  atomic.Uint64
	sampled atomic.Uint64
	growths atomic.Uint64
	bytes   atomic.Uint64
}

// Stats is a copy of a hook's counters.
type Stats struct {
	// Enabled reports whether the hook is on.
	Enabled bool `json:"enabled"`
	// SampleEvery is the sampling period: every SampleEvery-th write is observed.
	SampleEvery uint32 `json:"sample_every"`
	// Writes is the writes made through the hook while on.
	Writes uint64 `json:"writes"`
	// Sampled is the writes observed.
	Sampled uint64 `json:"sampled"`
	// Growths is the growths seen by observed writes.
	Growths uint64 `json:"growths"`
	// BytesWritten is the estimated bytes the observed writes wrote.
	BytesWritten uint64 `json:"bytes_written"`
}

// New returns a hook that is off, sampling every write once enabled.
func New() *Hook {
	h := &Hook{}
	h.every.Store(1)
	return h
}

// Enable switches the hook on or off (atomically; safe at any time).
func (h *Hook) Enable(on bool) { h.on.Store(on) }

// SetSampleEvery observes every n-th write (n >= 1; 0 is taken as 1).
func (h *Hook) SetSampleEvery(n uint32) {
	if n == 0 {
		n = 1
	}
	h.every.Store(n)
}

// Stats copies the counters.
func (h *Hook) Stats() Stats {
	return Stats{
		Enabled:      h.on.Load(),
		SampleEvery:  h.every.Load(),
		Writes:       h.writes.Load(),
		Sampled:      h.sampled.Load(),
		Growths:      h.growths.Load(),
		BytesWritten: h.bytes.Load(),
	}
}

// Reset sets the counters to zero.
func (h *Hook) Reset() {
	h.writes.Store(0)
	h.sampled.Store(0)
	h.growths.Store(0)
	h.bytes.Store(0)
	h.tick.Store(0)
}

// eface mirrors an empty interface: type word, data word.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// Set64 is m[k] = v, observed by h when it is on and the write is sampled.
// m must not be nil (as for m[k] = v) and must not be written concurrently.
func Set64[V any](h *Hook, m map[uint64]V, k uint64, v V) {
	if !h.on.Load() {
		m[k] = v
		return
	}
	h.writes.Add(1)
	every := uint64(h.every.Load())
	if every > 1 && h.tick.Add(1)%every != 0 {
		m[k] = v
		return
	}
	if unsafe.Sizeof(v) > maxFastElem || m == nil {
		m[k] = v // not the fast path's layout: counted, not observed
		return
	}
	var iface any = m
	// SAFETY: an interface holding a map is a type word (the runtime's map
	// type descriptor) and a data word (the map header pointer); m is not
	// nil, checked above.
	e := (*eface)(unsafe.Pointer(&iface))
	before := shapeOf(m, k)
	// SAFETY: typ and data are m's own type descriptor and header, as the
	// compiler passes them for m[k] = v on a uint64-keyed map with an
	// element of at most 128 bytes (the runtime's fast-path condition,
	// checked above). The returned pointer is the element's slot, valid
	// until the next write of m; storing v through *V keeps the write
	// barriers a typed store has.
	p := mapassign_fast64(e.typ, e.data, k)
	*(*V)(p) = v
	after := shapeOf(m, k)
	h.sampled.Add(1)
	slot := uint64(8 + unsafe.Sizeof(v))
	written := slot
	if grew(before, after) {
		h.growths.Add(1)
		written += uint64(before.len)*slot + uint64(after.slots-before.slots)
	}
	h.bytes.Add(written)
}
