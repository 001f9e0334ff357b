//go:build !go1.24

package main

import (
	"reflect"
	"testing"
	"unsafe"
)

// buildExperiment: Go 1.19 has no map experiment.
const buildExperiment = ""

// mallocHeaders: Go 1.19 has no allocation headers (Go 1.22 added them).
const mallocHeaders = false

// bucketSize is reflectdata.MapBucketType's struct: 8 tophash bytes, 8
// keys, 8 values, the overflow pointer.
func bucketSize(k, v reflect.Type) uint64 {
	return uint64(reflect.StructOf([]reflect.StructField{
		{Name: "Topbits", Type: reflect.TypeOf([8]uint8{})},
		{Name: "Keys", Type: reflect.ArrayOf(8, inSlot(k))},
		{Name: "Elems", Type: reflect.ArrayOf(8, inSlot(v))},
		{Name: "Overflow", Type: reflect.TypeOf(unsafe.Pointer(nil))},
	}).Size())
}

// expect: the classic map (Go 1.19's makemap, makeBucketArray, hashGrow).
func expect(r Record, k, v reflect.Type) (expectation, bool) {
	eb, eo := perEntry(k, v)
	n := uint64(r.N)
	bucket := bucketSize(k, v)
	switch {
	case r.N == 0:
		return expectation{hmapBytes, 1, true, "hmap only: no bucket before the first insert"}, true
	case r.N <= 8:
		// B = 0 whatever the hint: one bucket, allocated by the first insert.
		return expectation{hmapBytes + roundup(bucket) + n*eb, 2 + n*eo, true, "hmap + one bucket"}, true
	case r.Hint == r.N:
		// B is the smallest with n <= 6.5 * 2^B; from B = 4 on 2^(B-4)
		// overflow buckets are preallocated with the array (plus mapextra).
		var b uint
		for float64(r.N) > 6.5*float64(uint64(1)<<b) {
			b++
		}
		nb := uint64(1) << b
		extra := uint64(0)
		if b >= 4 {
			nb += uint64(1) << (b - 4)
			extra = roundup(24)
		}
		return expectation{hmapBytes + roundup(nb*bucket) + extra + n*eb, 2 + n*eo, false,
			"at least hmap + the bucket array of B and its preallocated overflow buckets"}, true
	}
	return expectation{}, false
}

// checkUpdate: a write of an existing key allocates nothing in the classic map.
func checkUpdate(t *testing.T, r Record) {
	t.Helper()
	if r.HeapBytes != 0 || r.Objects != 0 {
		t.Errorf("map[%s]%s full small map, update of an existing key: %d bytes in %d objects (spread %+v), want none",
			r.Key, r.Value, r.HeapBytes, r.Objects, r.Spread)
	}
}
