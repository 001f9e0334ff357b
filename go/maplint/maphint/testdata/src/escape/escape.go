// Package escape: a map that is used, passed or stored before the loop may
// already hold entries when the loop starts: not reported.
package escape

type holder struct{ m map[string]int }

func storedBeforeLoop(h *holder, xs []string) {
	m := make(map[string]int)
	h.m = m
	for i, x := range xs {
		m[x] = i
	}
}

func passedBeforeLoop(xs []string, fill func(map[string]int)) map[string]int {
	m := make(map[string]int)
	fill(m)
	for i, x := range xs {
		m[x] = i
	}
	return m
}

func insertBeforeLoop(xs []string) map[string]int {
	m := make(map[string]int)
	m["first"] = -1
	for i, x := range xs {
		m[x] = i
	}
	return m
}

func deferredUse(xs []string) map[string]int {
	m := make(map[string]int)
	defer func() { println(len(m)) }()
	for i, x := range xs {
		m[x] = i
	}
	return m
}

func loopInsideIf(xs []string, ok bool) map[string]int {
	m := make(map[string]int)
	if ok {
		for i, x := range xs {
			m[x] = i
		}
	}
	return m
}

func sentToGoroutine(xs []string, out chan map[string]int) {
	m := make(map[string]int)
	out <- m
	for i, x := range xs {
		m[x] = i
	}
}
