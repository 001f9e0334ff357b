// Package types is a fixture of mapamp lint: maps of the key and value
// types Go programs declare, each filled by a loop of 1,000 iterations
// without a hint, priced with the types' own shapes.
package types

import "strconv"

// Seen is a map[int64]bool used as a set: every value stored is true.
func Seen() map[int64]bool {
	m := make(map[int64]bool)
	for i := int64(0); i < 1000; i++ {
		m[i] = true
	}
	return m
}

// Set is the same set as a map[int64]struct{}.
func Set() map[int64]struct{} {
	m := make(map[int64]struct{})
	for i := int64(0); i < 1000; i++ {
		m[i] = struct{}{}
	}
	return m
}

// Counts has 4-byte keys.
func Counts() map[int32]int64 {
	m := make(map[int32]int64)
	for i := int32(0); i < 1000; i++ {
		m[i] = int64(i)
	}
	return m
}

// ByName has string keys: 16-byte headers in the map, the bytes apart.
func ByName() map[string]int64 {
	m := make(map[string]int64)
	for i := 0; i < 1000; i++ {
		m[strconv.Itoa(i)] = int64(i)
	}
	return m
}

type user struct {
	id   int64
	name string
}

// Users has a named value type: its shape is not guessed.
func Users() map[int64]user {
	m := make(map[int64]user)
	for i := int64(0); i < 1000; i++ {
		m[i] = user{id: i}
	}
	return m
}
