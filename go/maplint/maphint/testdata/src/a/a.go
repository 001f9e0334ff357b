// Package a holds the patterns maphint reports, one per function; a.go.golden
// is this file with every suggested hint applied.
package a

type item struct {
	name string
	size int
}

type index map[string]int

type store struct {
	items []item
}

// Keys from the elements may repeat: the hint is an upper bound.
func rangeSliceElementKey(items []item) map[string]int {
	m := make(map[string]int) // want `map m is made without a size hint, then gets up to len\(items\) keys in the loop on line 19: make it with the hint len\(items\) \(an upper bound if keys repeat\)`
	for _, it := range items {
		m[it.name] = it.size
	}
	return m
}

// The index of a slice is new on every iteration: the hint is exact.
func rangeSliceIndexKey(items []item) map[int]item {
	m := make(map[int]item, 0) // want `map m is made without a size hint, then gets a new key on each of the len\(items\) iterations of the loop on line 28: make it with the hint len\(items\)`
	for i, it := range items {
		m[i] = it
	}
	return m
}

func rangeMapKey(src map[string]int) map[string]bool {
	m := map[string]bool{} // want `new key on each of the len\(src\) iterations`
	for k := range src {
		m[k] = true
	}
	return m
}

// A string's length counts bytes; the loop visits runes.
func rangeString(s string) map[rune]bool {
	seen := map[rune]bool{} // want `map seen is made without a size hint, then gets up to len\(s\) keys`
	for _, r := range s {
		seen[r] = true
	}
	return seen
}

func rangeArray(a [16]string) map[string]int {
	m := make(map[string]int) // want `up to len\(a\) keys`
	for i, s := range a {
		m[s] = i
	}
	return m
}

func rangePointerToArray(p *[12]int) map[int]int {
	m := make(map[int]int) // want `new key on each of the len\(p\) iterations`
	for i, v := range p {
		m[i] = v
	}
	return m
}

func rangeIntConst() map[int]int {
	m := make(map[int]int) // want `new key on each of the 10 iterations`
	for i := range 10 {
		m[i] = i * i
	}
	return m
}

func rangeIntVar(n int) map[int]int {
	m := make(map[int]int) // want `new key on each of the n iterations`
	for i := range n {
		m[i] = i * i
	}
	return m
}

func countedLess(n int) map[int]bool {
	m := make(map[int]bool) // want `new key on each of the n iterations`
	for i := 0; i < n; i++ {
		m[i] = true
	}
	return m
}

func countedLessEqual(n int) map[int]bool {
	m := make(map[int]bool) // want `new key on each of the n \+ 1 iterations`
	for i := 0; i <= n; i++ {
		m[i] = true
	}
	return m
}

func countedFromOne(n int) map[int]bool {
	m := make(map[int]bool) // want `new key on each of the n - 1 iterations`
	for i := 1; i < n; i++ {
		m[i] = true
	}
	return m
}

func countedReversedCompare(xs []int) map[int]int {
	m := make(map[int]int) // want `new key on each of the len\(xs\) iterations`
	for i := 0; len(xs) > i; i += 1 {
		m[i] = xs[i]
	}
	return m
}

func countedConstBound() map[int]int {
	m := make(map[int]int) // want `new key on each of the 255 iterations`
	for i := 1; i <= 255; i++ {
		m[i] = -i
	}
	return m
}

func countedCompoundBound(a, b int) map[int]int {
	m := make(map[int]int) // want `new key on each of the \(a \+ b\) - 2 iterations`
	for i := 2; i < a+b; i++ {
		m[i] = i
	}
	return m
}

func varDeclaration(names []string) map[string]int {
	var m = make(map[string]int) // want `up to len\(names\) keys`
	for i, n := range names {
		m[n] = i
	}
	return m
}

func reassignment(names []string) map[string]int {
	var m map[string]int
	m = map[string]int{} // want `up to len\(names\) keys`
	for i, n := range names {
		m[n] = i
	}
	return m
}

func namedMapType(names []string) index {
	m := index{} // want `up to len\(names\) keys`
	for i, n := range names {
		m[n] = i
	}
	return m
}

func fieldOperand(s *store) map[string]item {
	m := make(map[string]item) // want `up to len\(s.items\) keys`
	for _, it := range s.items {
		m[it.name] = it
	}
	return m
}

func labeledLoop(xs []string) map[string]int {
	m := make(map[string]int) // want `up to len\(xs\) keys`
outer:
	for i, x := range xs {
		m[x] = i
		for _, c := range x {
			if c == '.' {
				continue outer // after the insert: it does not skip it
			}
		}
	}
	return m
}

// A return (an error path) leaves the map behind unfinished: policy allows it.
func returnInLoop(xs []string, check func(string) error) (map[string]bool, error) {
	set := make(map[string]bool) // want `up to len\(xs\) keys`
	for _, x := range xs {
		if err := check(x); err != nil {
			return nil, err
		}
		set[x] = true
	}
	return set, nil
}

// A continue after the insert does not skip it.
func continueAfterInsert(xs []string) map[string]int {
	m := make(map[string]int) // want `up to len\(xs\) keys`
	for i, x := range xs {
		m[x] = i
		if x == "" {
			continue
		}
		println(x)
	}
	return m
}

// break inside a switch leaves the switch, not the loop.
func breakInSwitch(xs []int) map[int]int {
	m := make(map[int]int) // want `new key on each of the len\(xs\) iterations`
	for i, x := range xs {
		switch {
		case x < 0:
			break
		}
		m[i] = x
	}
	return m
}

// A continue of a nested loop does not skip the insert.
func continueOfNestedLoop(rows [][]int) map[int]int {
	sums := make(map[int]int) // want `new key on each of the len\(rows\) iterations`
	for i, row := range rows {
		s := 0
		for _, v := range row {
			if v < 0 {
				continue
			}
			s += v
		}
		sums[i] = s
	}
	return sums
}

// Statements that do not touch the map or the operand may sit between.
func statementsBetween(xs []string) map[string]int {
	m := make(map[string]int) // want `up to len\(xs\) keys`
	total := 0
	println(len(xs))
	for i, x := range xs {
		total += i
		m[x] = total
	}
	return m
}

func genericKeys[K comparable, V any](keys []K, v V) map[K]V {
	m := make(map[K]V) // want `up to len\(keys\) keys`
	for _, k := range keys {
		m[k] = v
	}
	return m
}

func inClosure(xs []int) func() map[int]int {
	return func() map[int]int {
		m := make(map[int]int) // want `new key on each of the len\(xs\) iterations`
		for i, x := range xs {
			m[i] = x
		}
		return m
	}
}

func inCaseClause(kind int, xs []string) map[string]bool {
	switch kind {
	case 1:
		m := make(map[string]bool) // want `up to len\(xs\) keys`
		for _, x := range xs {
			m[x] = true
		}
		return m
	}
	return nil
}

// Two maps filled by one loop: both are reported.
func twoMaps(xs []string) (map[string]int, map[int]string) {
	byName := make(map[string]int)  // want `map byName is made without a size hint`
	byIndex := make(map[int]string) // want `map byIndex is made without a size hint`
	for i, x := range xs {
		byName[x] = i
		byIndex[i] = x
	}
	return byName, byIndex
}

// Nine entries: the first that makes a map without a hint grow.
func nineEntries() map[int]bool {
	m := make(map[int]bool) // want `new key on each of the 9 iterations`
	for i := 1; i <= 9; i++ {
		m[i] = true
	}
	return m
}
