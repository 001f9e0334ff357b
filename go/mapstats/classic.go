//go:build !go1.24

package mapstats

import (
	"fmt"

	"mapamp/internal/rtmap"
)

// Stats reads the structure of map m (any map type).
func Stats(m any) (Snapshot, error) {
	c, err := rtmap.Open(m)
	if err != nil {
		return Snapshot{}, err
	}
	cs, err := classicStats(c)
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{
		GoVersion: GoVersion(), Design: rtmap.Design, Len: cs.Count,
		KeyBytes: int(c.KeySize()), ElemBytes: int(c.ElemSize()),
		HeldBytes: classicHeld(c, cs), Classic: cs,
	}, nil
}

// CheckLayout checks the runtime mirrors against maps of known shape.
func CheckLayout() error { return rtmap.CheckLayout() }

// Sizes of the classic runtime's bookkeeping structures on 64-bit targets.
const (
	hmapBytes     = 48 // runtime.hmap
	mapextraBytes = 24 // runtime.mapextra
)

// classicHeld is the bytes of the header, the current bucket array (main
// and preallocated overflow buckets), the overflow buckets allocated one
// by one, the array being evacuated with its overflow buckets, and the
// overflow lists' backing arrays.
func classicHeld(c *rtmap.Classic, cs *Classic) uint64 {
	h := c.Header()
	bs := uint64(cs.BucketBytes)
	held := uint64(hmapBytes) + uint64(cs.BucketsAllocated)*bs
	// Overflow buckets beyond the preallocated ones were allocated singly.
	prealloc := cs.BucketsAllocated - cs.Buckets - cs.PreallocOverflowFree
	if single := cs.OverflowBuckets - prealloc; single > 0 {
		held += uint64(single) * bs
	}
	if h.HasExtra {
		held += mapextraBytes
	}
	if h.HasOverflowList {
		held += uint64(cap(h.OverflowList))*8 + 24
	}
	if h.OldOverflowList != nil {
		held += uint64(cap(h.OldOverflowList))*8 + 24 + uint64(len(h.OldOverflowList))*bs
	}
	if h.Growing() {
		held += uint64(h.NOldBuckets()) * bs
	}
	return held
}

func classicStats(c *rtmap.Classic) (*Classic, error) {
	h := c.Header()
	bs := c.BucketSize()
	out := &Classic{
		B:               h.B,
		Growing:         h.Growing(),
		SameSizeGrowing: h.Growing() && h.SameSizeGrowing(),
		Count:           h.Count,
		Noverflow:       h.Noverflow,
		BucketBytes:     uint64(bs),
		ChainLenHist:    []int{0, 0},
		Nevacuate:       int(h.Nevacuate),
	}
	if h.Buckets != nil {
		out.Buckets = 1 << h.B
	}
	overflowAt := map[uintptr]bool{}
	withOverflow, probeSum := 0, 0
	for i := 0; i < out.Buckets; i++ {
		length, filled := 0, 0
		for b := c.Bucket(h.Buckets, uintptr(i)); b != nil; b = c.Overflow(b) {
			if length > 0 {
				overflowAt[uintptr(b)] = true
			}
			for s := 0; s < rtmap.BucketCnt; s++ {
				if c.Tophash(b, s) >= rtmap.MinTopHash {
					filled++
					probeSum += filled
				}
			}
			length++
		}
		for len(out.ChainLenHist) <= length {
			out.ChainLenHist = append(out.ChainLenHist, 0)
		}
		out.ChainLenHist[length]++
		out.OverflowBuckets += length - 1
		if length > 1 {
			withOverflow++
		}
		out.EntriesInCurrent += filled
	}
	old := c.OldEntriesLeft(&h)
	if h.Growing() {
		out.OldBuckets = int(h.NOldBuckets())
	}
	if out.EntriesInCurrent+old != h.Count {
		return nil, fmt.Errorf("mapstats: counted %d entries (%d in the current array, %d not yet evacuated), the map has %d: the runtime layout is not the one this build reads",
			out.EntriesInCurrent+old, out.EntriesInCurrent, old, h.Count)
	}
	per := func(x float64, d int) float64 {
		if d == 0 {
			return 0
		}
		return x / float64(d)
	}
	out.PctBucketsWithOverflow = 100 * per(float64(withOverflow), out.Buckets)
	out.Hitprobe = per(float64(probeSum), out.EntriesInCurrent)
	out.Missprobe = per(float64(out.EntriesInCurrent), out.Buckets)
	if h.Count > 0 {
		out.OverheadBytesPerEntry = float64(out.Buckets+out.OverflowBuckets)*float64(bs)/float64(h.Count) -
			float64(c.KeySize()+c.ElemSize())
	}
	// Preallocated overflow buckets follow the main buckets in the array
	// and are handed out in order: those taken are the run of chain
	// overflow buckets at consecutive addresses from bucket 2^B on.
	taken := 0
	if out.Buckets > 0 {
		for overflowAt[uintptr(c.Bucket(h.Buckets, uintptr(out.Buckets+taken)))] {
			taken++
		}
	}
	left, _ := c.PreallocLeft(h.NextOverflow)
	out.PreallocOverflowFree = left
	out.BucketsAllocated = out.Buckets + taken + left
	return out, nil
}
