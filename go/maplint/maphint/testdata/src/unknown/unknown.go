// Package unknown: loops whose trip count is not known where the map is
// made, and maps that already have a hint: not reported.
package unknown

import "strings"

func rangeOverCall(s string) map[string]bool {
	m := make(map[string]bool)
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

func rangeOverChannel(ch chan string) map[string]bool {
	m := make(map[string]bool)
	for s := range ch {
		m[s] = true
	}
	return m
}

func rangeOverFunc(seq func(yield func(string) bool)) map[string]bool {
	m := make(map[string]bool)
	for s := range seq {
		m[s] = true
	}
	return m
}

func operandDeclaredAfterMap(s string) map[string]bool {
	m := make(map[string]bool)
	parts := strings.Split(s, ",")
	for _, p := range parts {
		m[p] = true
	}
	return m
}

func operandChangedBetween(xs []string) map[string]bool {
	m := make(map[string]bool)
	xs = append(xs, "extra")
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func boundChangedInBody(xs []int) map[int]int {
	m := make(map[int]int)
	for i := 0; i < len(xs); i++ {
		m[i] = xs[i]
		if xs[i] > 100 {
			xs = xs[:len(xs)-1]
		}
	}
	return m
}

func counterChangedInBody(n int) map[int]bool {
	m := make(map[int]bool)
	for i := 0; i < n; i++ {
		m[i] = true
		i++
	}
	return m
}

func countingDown(n int) map[int]bool {
	m := make(map[int]bool)
	for i := n; i > 0; i-- {
		m[i] = true
	}
	return m
}

func stepOfTwo(n int) map[int]bool {
	m := make(map[int]bool)
	for i := 0; i < n; i += 2 {
		m[i] = true
	}
	return m
}

func variableStart(a, b int) map[int]bool {
	m := make(map[int]bool)
	for i := a; i < b; i++ {
		m[i] = true
	}
	return m
}

func whileLoop(n int) map[int]bool {
	m := make(map[int]bool)
	i := 0
	for i < n {
		m[i] = true
		i++
	}
	return m
}

func alreadyHinted(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func nonEmptyLiteral(xs []string) map[string]bool {
	m := map[string]bool{"": false}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func nestedLoops(rows [][]string) map[string]bool {
	m := make(map[string]bool)
	for _, row := range rows {
		for _, x := range row {
			m[x] = true
		}
	}
	return m
}

func typeParamSlice[S ~[]E, E comparable](s S) map[E]bool {
	m := make(map[E]bool)
	for _, x := range s {
		m[x] = true
	}
	return m
}

func zeroTrips() map[int]bool {
	m := make(map[int]bool)
	for i := 0; i < 0; i++ {
		m[i] = true
	}
	return m
}

func emptyArray(a [0]int) map[int]bool {
	m := make(map[int]bool)
	for i := range a {
		m[i] = true
	}
	return m
}

func methodValueOperand(r interface{ Len() int }) map[int]bool {
	m := make(map[int]bool)
	for i := range r.Len() {
		m[i] = true
	}
	return m
}

func mapRangedOverItself() map[string]int {
	m := make(map[string]int)
	for k := range m {
		m[k] = 1
	}
	return m
}

// Up to 8 entries fit in a map's first bucket (classic) or small-map group
// (Swiss): such a map never grows.
func eightEntries() map[int]bool {
	m := make(map[int]bool)
	for i := range 8 {
		m[i] = true
	}
	return m
}

func smallArray(a [5]string) map[string]bool {
	m := make(map[string]bool)
	for _, s := range a {
		m[s] = true
	}
	return m
}
