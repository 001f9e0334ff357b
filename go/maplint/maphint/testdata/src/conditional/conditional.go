// Package conditional: inserts that not every iteration makes are not
// reported (the number of entries is unknown, so len(x) may be far too many).
package conditional

func underIf(xs []int) map[int]bool {
	m := make(map[int]bool)
	for _, x := range xs {
		if x%2 == 0 {
			m[x] = true
		}
	}
	return m
}

func inElse(xs []int) map[int]bool {
	m := make(map[int]bool)
	for _, x := range xs {
		if x < 0 {
			println(x)
		} else {
			m[x] = true
		}
	}
	return m
}

func underSwitch(xs []string) map[string]int {
	m := make(map[string]int)
	for i, x := range xs {
		switch x {
		case "":
		default:
			m[x] = i
		}
	}
	return m
}

func afterContinue(xs []string) map[string]int {
	m := make(map[string]int)
	for i, x := range xs {
		if x == "" {
			continue
		}
		m[x] = i
	}
	return m
}

func afterLabeledContinueInNestedLoop(xs []string) map[string]bool {
	set := make(map[string]bool)
outer:
	for _, x := range xs {
		for _, c := range x {
			if c == '.' {
				continue outer
			}
		}
		set[x] = true
	}
	return set
}

func inSelect(xs []int, done chan struct{}) map[int]int {
	m := make(map[int]int)
	for i, x := range xs {
		select {
		case <-done:
		default:
			m[i] = x
		}
	}
	return m
}
