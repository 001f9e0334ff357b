// Package typeshape says what map layout needs of a Go type beyond its
// size and alignment: whether it holds pointers the collector scans.
package typeshape

import "reflect"

// HasPointers reports whether values of t hold pointers the collector
// scans (a string's data, a pointer, a slice, map, channel, function or
// interface, or an array or struct holding one).
func HasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Ptr, reflect.UnsafePointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Chan, reflect.Func:
		return true
	case reflect.Array:
		return t.Len() > 0 && HasPointers(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if HasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}
