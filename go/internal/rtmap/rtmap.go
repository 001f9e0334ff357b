// Package rtmap reads the Go runtime's private map structures through
// unsafe, for the Go release this package is built with.
//
// A Go map value is one pointer: to the runtime's map header (`runtime.hmap`
// up to Go 1.23, `internal/runtime/maps.Map` from Go 1.24 on). Held in an
// interface, the interface's type word points to the runtime's map type
// descriptor (`runtime.maptype`, `abi.MapType`), which carries the key and
// element types and the hash function the map uses.
//
// The mirrors of those structures are version-specific and live in files
// selected by build tags: classic.go (`!go1.24`, the bucket map of Go 1.0
// to 1.23, checked against Go 1.19) and swiss.go (`go1.24`, the Swiss-table
// map, checked against Go 1.26 and Go 1.27). Each version's CheckLayout
// compares what the mirrors read with what the language itself reports
// (reflect's key and element sizes, len(m), the map's own lookups), so a
// runtime whose layout moved is refused with an error instead of being
// misread. Only 64-bit targets are supported.
package rtmap

import (
	"fmt"
	"reflect"
	"runtime"
	"unsafe"
)

// eface mirrors the runtime's empty-interface representation.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// mapWords returns the type word and the data word of an interface holding
// a map; an error if m is not a non-nil map.
func mapWords(m any) (typ, data unsafe.Pointer, err error) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		return nil, nil, fmt.Errorf("rtmap reads 64-bit runtimes only (GOARCH=%s)", runtime.GOARCH)
	}
	t := reflect.TypeOf(m)
	if t == nil || t.Kind() != reflect.Map {
		return nil, nil, fmt.Errorf("rtmap: %T is not a map", m)
	}
	e := (*eface)(unsafe.Pointer(&m))
	if e.data == nil {
		return nil, nil, fmt.Errorf("rtmap: the map is nil")
	}
	return e.typ, e.data, nil
}

// rtype mirrors the common prefix of the runtime's type descriptor
// (`runtime._type` in Go 1.19, `abi.Type` in Go 1.21+): the same fields at
// the same offsets in every release this package supports.
type rtype struct {
	size       uintptr
	ptrdata    uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      unsafe.Pointer
	gcdata     *byte
	str        int32
	ptrToThis  int32
}

// Version is the Go release the package was built with.
func Version() string { return runtime.Version() }

// checkTypes compares the key and element types the map type descriptor
// names with what reflect says about m's type.
func checkTypes(m any, key, elem *rtype) error {
	t := reflect.TypeOf(m)
	if key == nil || elem == nil {
		return fmt.Errorf("rtmap: layout mismatch on %s: nil key or element type in the map type descriptor", runtime.Version())
	}
	if key.size != t.Key().Size() || elem.size != t.Elem().Size() {
		return fmt.Errorf("rtmap: layout mismatch on %s: the map type descriptor says key %d and element %d bytes, reflect says %d and %d",
			runtime.Version(), key.size, elem.size, t.Key().Size(), t.Elem().Size())
	}
	return nil
}
