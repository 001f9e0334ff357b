package harness

import (
	"reflect"
	"strings"
	"testing"
)

// Named key and value types instantiate the map as the Go program would
// declare it: the runtime's own key and element sizes say so.
func TestNamedTypesRunAsDeclared(t *testing.T) {
	for _, c := range []struct {
		key, value string
		k, v       reflect.Type
	}{
		{"int32", "struct{}", reflect.TypeOf(int32(0)), reflect.TypeOf(struct{}{})},
		{"int64", "bool", reflect.TypeOf(uint64(0)), reflect.TypeOf(false)},
		{"string", "int64", reflect.TypeOf(""), reflect.TypeOf(uint64(0))},
		{"*int64", "string", reflect.TypeOf((*int64)(nil)), reflect.TypeOf("")},
		{"[24]byte", "[136]byte", reflect.TypeOf(bytes24{}), reflect.TypeOf(big136{})},
		{"[136]byte", "int32", reflect.TypeOf(big136{}), reflect.TypeOf(int32(0))},
		{"int16", "[4]int64", reflect.TypeOf(int16(0)), reflect.TypeOf([4]uint64{})},
	} {
		for _, scenario := range []string{"insert", "churn"} {
			sp := spec(scenario, 300)
			sp.KeySize, sp.ValueSize = 8, 8 // not used when the types are named
			sp.KeyType, sp.ValueType = c.key, c.value
			sp.Lenses = []string{"accounting"}
			res, err := Run(sp)
			if err != nil {
				t.Fatalf("map[%s]%s %s: %v", c.key, c.value, scenario, err)
			}
			if res.Units == 0 || len(res.Samples) < 3 {
				t.Fatalf("map[%s]%s %s: units %d, %d samples", c.key, c.value, scenario, res.Units, len(res.Samples))
			}
			if res.Accounting == nil {
				t.Logf("map[%s]%s %s: accounting unavailable: %s", c.key, c.value, scenario, res.AccountingUnavailable)
				continue
			}
			if sw := res.Accounting.Swiss; sw != nil && (sw.KeyBytes != uint64(c.k.Size()) || sw.ElemBytes != uint64(c.v.Size())) {
				t.Fatalf("map[%s]%s: the runtime's key/elem sizes are %d/%d, the type's %d/%d",
					c.key, c.value, sw.KeyBytes, sw.ElemBytes, c.k.Size(), c.v.Size())
			}
		}
	}
}

func TestNamedTypesFromIDs(t *testing.T) {
	if a, b := fromID[string](7), fromID[string](8); len(a) != 16 || a == b || a != fromID[string](7) {
		t.Fatalf("string keys: %q %q", a, b)
	}
	if fromID[*int64](9) != fromID[*int64](9) || *fromID[*int64](9) != 9 || fromID[*int64](9) == fromID[*int64](10) {
		t.Fatal("pointer keys: one pointer per id, pointing at the id")
	}
	if k := fromID[bytes24](0x0102); k[0] != 2 || k[1] != 1 || k[2] != 0 || k[8] == 0 && k[9] == 0 && k[10] == 0 {
		t.Fatalf("[24]byte: the id little-endian in the first word, filler words after: %v", k)
	}
	if fromID[int32](1<<32+5) != 5 || fromID[int16](1<<16+3) != 3 || !fromID[bool](3) || fromID[bool](2) {
		t.Fatal("integers keep the id's low bits, bool its lowest bit")
	}
	if w := fromID[[4]uint64](42); w[0] != 42 || w[1] != filler(42, 1) {
		t.Fatalf("sized keys keep their rule: %v", w)
	}
}

func TestBadTypeNamesAreRefusedWithTheValidOnes(t *testing.T) {
	for _, c := range []struct{ key, value, want string }{
		{"float32", "", "key types with a named type: int16, int32"},
		{"bool", "int64", "too few values"},
		{"int32", "complex128", "value types: struct{}, bool"},
		{"", "map[int]int", "value types: struct{}"},
		{"string", "[8]int64", "value types: struct{}"},
	} {
		sp := spec("insert", 10)
		sp.KeyType, sp.ValueType = c.key, c.value
		if _, err := Run(sp); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("key %q value %q: %v (want %q)", c.key, c.value, err, c.want)
		}
	}
	// Two sized names are the sized cell.
	sp := spec("insert", 10)
	sp.KeyType, sp.ValueType = "[8]int64", "[2]uint64"
	if res, err := Run(sp); err != nil || res.Units != 10 {
		t.Fatalf("[8]int64 -> [2]uint64: %v", err)
	}
}
