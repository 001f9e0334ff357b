package harness

import (
	"math/bits"
	"sort"
	"unsafe"
)

// The key streams of mapamp's scenarios, bit for bit as the Rust side
// draws them (src/rng.rs, src/workload.rs, src/scenario/keys.rs, src/pod.rs),
// so a real-Go cell writes the same key ids in the same order as the
// model's cell with the same seed. Only the maps' own hash seeds differ: Go
// draws a random one for every map.

// splitmix64 is one SplitMix64 step.
func splitmix64(state *uint64) uint64 {
	*state += 0x9E3779B97F4A7C15
	z := *state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// rng is xoshiro256** seeded through SplitMix64 (src/rng.rs).
type rng struct{ s [4]uint64 }

func newRng(seed uint64) *rng {
	st := seed
	return &rng{s: [4]uint64{splitmix64(&st), splitmix64(&st), splitmix64(&st), splitmix64(&st)}}
}

func (r *rng) next() uint64 {
	s := &r.s
	result := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return result
}

// below is a uniform value in [0, n), by multiply-shift.
func (r *rng) below(n uint64) uint64 {
	hi, _ := bits.Mul64(r.next(), n)
	return hi
}

func (r *rng) unitFloat() float64 {
	return float64(r.next()>>11) * (1.0 / float64(uint64(1)<<53))
}

// keySource hands out distinct key ids (src/workload.rs KeySource).
type keySource struct {
	sequential bool
	r          *rng
	nextSeq    uint64
	used       map[uint64]struct{}
}

func newKeySource(sequential bool, seed uint64) *keySource {
	return &keySource{sequential: sequential, r: newRng(seed ^ 0x6b657973), nextSeq: 1, used: map[uint64]struct{}{}}
}

func (s *keySource) fresh() uint64 {
	if s.sequential {
		id := s.nextSeq
		s.nextSeq++
		return id
	}
	for {
		id := s.r.next()
		if _, dup := s.used[id]; !dup {
			s.used[id] = struct{}{}
			return id
		}
	}
}

// zipf draws ranks 1..n with weight 1/rank (src/scenario/keys.rs).
type zipf struct {
	cdf []float64
	r   *rng
}

func newZipf(n int, seed uint64) *zipf {
	if n < 1 {
		n = 1
	}
	cdf := make([]float64, n)
	acc := 0.0
	for i := range cdf {
		acc += 1 / float64(i+1)
		cdf[i] = acc
	}
	for i := range cdf {
		cdf[i] /= acc
	}
	return &zipf{cdf: cdf, r: newRng(seed ^ 0x7a697066)}
}

func (z *zipf) nextRank() uint64 {
	u := z.r.unitFloat()
	return uint64(sort.Search(len(z.cdf), func(i int) bool { return z.cdf[i] >= u })) + 1
}

// zipfID spreads rank r over the id space.
func zipfID(r uint64) uint64 { return splitmix64(&r) }

// filler is word i of the value with id `id` (src/pod.rs).
func filler(id uint64, i int) uint64 {
	z := id + uint64(i)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// fromID builds a key or value of type T whose first word is id and whose
// other words are derived from it: uint64 and arrays of uint64 (the
// suite's sized keys and values) word by word; the named Go types of
// types.go by their own rule (typedFromID).
func fromID[T any](id uint64) T {
	var t T
	if typedFromID(&t, id) {
		return t
	}
	words := unsafe.Slice((*uint64)(unsafe.Pointer(&t)), unsafe.Sizeof(t)/8)
	words[0] = id
	for i := 1; i < len(words); i++ {
		words[i] = filler(id, i)
	}
	return t
}
