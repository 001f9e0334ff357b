package harness

import (
	"fmt"
	"strings"
	"sync"

	"mapamp/internal/typeshape"
)

// Keys and values named as Go types (Spec.KeyType, Spec.ValueType): the
// types Go programs put in maps, whose sizes, alignment and pointers decide
// how each Go release lays out a bucket or group. A name that is a sized
// type the harness already has (int64, [4]int64, ...) maps to it: uint64
// and [N]uint64 have the same layout and hash paths as int64 and [N]int64.
//
// Key ids become keys by each type's rule (typedFromID): integers keep the
// id's low bits (so an int16 or int32 key stream can repeat a key where the
// 64-bit ids differ), bool its lowest bit, byte arrays the id's words byte
// by byte, string the id as 16 hex digits, *int64 one pointer per id (the
// same pointer every time, so deletes and updates find it).

// big136 is a type over 128 bytes: every release stores it through a pointer.
type big136 [136]byte

// bytes24 is a 24-byte pointer-free key or value of 1-byte alignment.
type bytes24 [24]byte

// The names accepted. A named type pairs with any named type (uint64,
// int64, [4]uint64 and [4]int64 included); two sized names ([N]uint64 of
// other sizes) run as the sized cell they are. Not every size pairs with
// every named type: each pair is a compiled instantiation of the harness.
var (
	namedKeys   = []string{"int16", "int32", "int64", "uint64", "string", "*int64", "[4]int64", "[4]uint64", "[24]byte", "[136]byte"}
	namedValues = []string{"struct{}", "bool", "int32", "int64", "uint64", "string", "*int64", "[4]int64", "[4]uint64", "[24]byte", "[136]byte"}
)

// sizedName is the name of a sized type ("uint64", "[4]uint64").
func sizedName(size int) string {
	if size == 8 {
		return "uint64"
	}
	return fmt.Sprintf("[%d]uint64", size/8)
}

// sizeOfName is the byte size of a name the sized types cover (0 if none).
func sizeOfName(name string) int {
	switch name {
	case "int64", "uint64":
		return 8
	}
	for _, n := range []int{2, 4, 8, 16, 32} {
		if name == fmt.Sprintf("[%d]int64", n) || name == fmt.Sprintf("[%d]uint64", n) {
			return 8 * n
		}
	}
	return 0
}

// dispatchNamed runs a cell with a named key or value type (the other
// side by name or by size).
func dispatchNamed(spec *Spec, f func(runner) (*Result, error)) (*Result, error) {
	k, v := spec.KeyType, spec.ValueType
	if k == "" {
		k = sizedName(spec.KeySize)
	}
	if v == "" {
		v = sizedName(spec.ValueSize)
	}
	if ks, vs := sizeOfName(k), sizeOfName(v); ks != 0 && vs != 0 {
		s := *spec
		s.KeyType, s.ValueType, s.KeySize, s.ValueSize = "", "", ks, vs
		return dispatch(&s, f)
	}
	switch k {
	case "int16":
		return withNamedValue[int16](v, f)
	case "int32":
		return withNamedValue[int32](v, f)
	case "int64", "uint64":
		return withNamedValue[uint64](v, f)
	case "[4]int64", "[4]uint64":
		return withNamedValue[[4]uint64](v, f)
	case "string":
		return withNamedValue[string](v, f)
	case "*int64":
		return withNamedValue[*int64](v, f)
	case "[24]byte":
		return withNamedValue[bytes24](v, f)
	case "[136]byte":
		return withNamedValue[big136](v, f)
	case "struct{}", "bool":
		return nil, fmt.Errorf("key type %q has too few values for a scenario's distinct keys; key types the Go harness runs with a named type: %s", k, strings.Join(namedKeys, ", "))
	}
	return nil, fmt.Errorf("key type %q (with value type %q) is not supported by the Go harness; key types with a named type: %s", k, v, strings.Join(namedKeys, ", "))
}

func withNamedValue[K comparable](v string, f func(runner) (*Result, error)) (*Result, error) {
	switch v {
	case "struct{}":
		return f(typed[K, struct{}]{})
	case "bool":
		return f(typed[K, bool]{})
	case "int32":
		return f(typed[K, int32]{})
	case "int64", "uint64":
		return f(typed[K, uint64]{})
	case "[4]int64", "[4]uint64":
		return f(typed[K, [4]uint64]{})
	case "string":
		return f(typed[K, string]{})
	case "*int64":
		return f(typed[K, *int64]{})
	case "[24]byte":
		return f(typed[K, bytes24]{})
	case "[136]byte":
		return f(typed[K, big136]{})
	}
	return nil, fmt.Errorf("value type %q is not supported by the Go harness with a named key or value type; value types: %s", v, strings.Join(namedValues, ", "))
}

// pointers holds the one *int64 of every id handed out.
var pointers struct {
	sync.Mutex
	m map[uint64]*int64
}

func pointerOf(id uint64) *int64 {
	pointers.Lock()
	defer pointers.Unlock()
	if pointers.m == nil {
		pointers.m = map[uint64]*int64{}
	}
	p := pointers.m[id]
	if p == nil {
		p = new(int64)
		*p = int64(id)
		pointers.m[id] = p
	}
	return p
}

// fillBytes writes the id's words (id, then filler words) little-endian.
func fillBytes(b []byte, id uint64) {
	for i := range b {
		w := id
		if i/8 > 0 {
			w = filler(id, i/8)
		}
		b[i] = byte(w >> (8 * (i % 8)))
	}
}

// typedFromID sets *t from id when T is one of the named types; false for
// uint64 and arrays of uint64 (fromID's word-by-word rule).
func typedFromID[T any](t *T, id uint64) bool {
	switch p := any(t).(type) {
	case *struct{}:
	case *bool:
		*p = id&1 == 1
	case *int16:
		*p = int16(id)
	case *int32:
		*p = int32(id)
	case *string:
		*p = fmt.Sprintf("%016x", id)
	case **int64:
		*p = pointerOf(id)
	case *bytes24:
		fillBytes(p[:], id)
	case *big136:
		fillBytes(p[:], id)
	default:
		return false
	}
	return true
}

// TypeShape is a named type as the harness instantiates it: its Go type's
// size, alignment and whether it holds pointers.
type TypeShape struct {
	Name     string  `json:"name"`
	Size     uintptr `json:"size"`
	Align    uintptr `json:"align"`
	Pointers bool    `json:"pointers"`
}

// NamedTypes lists the key and value names the harness runs, each with the
// shape of the type it instantiates (mapamp-go types): the Rust side holds
// its own list and its Go type parser to these.
func NamedTypes() (map[string][]TypeShape, error) {
	shapeOf := func(k, v string, key bool) (TypeShape, error) {
		var ts TypeShape
		_, err := dispatchNamed(&Spec{KeyType: k, ValueType: v}, func(r runner) (*Result, error) {
			kt, vt := r.types()
			t, name := vt, v
			if key {
				t, name = kt, k
			}
			ts = TypeShape{Name: name, Size: t.Size(), Align: uintptr(t.Align()), Pointers: typeshape.HasPointers(t)}
			return nil, nil
		})
		return ts, err
	}
	out := map[string][]TypeShape{}
	for _, k := range namedKeys {
		ts, err := shapeOf(k, "bool", true)
		if err != nil {
			return nil, err
		}
		out["keys"] = append(out["keys"], ts)
	}
	for _, v := range namedValues {
		ts, err := shapeOf("int32", v, false)
		if err != nil {
			return nil, err
		}
		out["values"] = append(out["values"], ts)
	}
	return out, nil
}
