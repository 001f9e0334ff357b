// Package helpers: inserts through helper functions, closures or methods
// are out of the analyzer's sight (and the map escapes to them): not
// reported.
package helpers

func add(m map[string]int, k string, v int) { m[k] = v }

func throughHelper(xs []string) map[string]int {
	m := make(map[string]int)
	for i, x := range xs {
		add(m, x, i)
	}
	return m
}

func throughClosure(xs []string) map[string]int {
	m := make(map[string]int)
	put := func(k string, v int) { m[k] = v }
	for i, x := range xs {
		put(x, i)
	}
	return m
}

func closureInsideLoop(xs []string) map[string]int {
	m := make(map[string]int)
	for i, x := range xs {
		func() { m[x] = i }()
	}
	return m
}

type registry struct{ byName map[string]int }

func (r *registry) add(k string, v int) { r.byName[k] = v }

func throughMethod(xs []string) *registry {
	r := &registry{byName: make(map[string]int)}
	for i, x := range xs {
		r.add(x, i)
	}
	return r
}

// A map held in a field is not a local variable: not reported.
func fieldMap(r *registry, xs []string) {
	r.byName = make(map[string]int)
	for i, x := range xs {
		r.byName[x] = i
	}
}

// A package-level map is not reported either.
var global map[string]int

func packageMap(xs []string) {
	global = make(map[string]int)
	for i, x := range xs {
		global[x] = i
	}
}
