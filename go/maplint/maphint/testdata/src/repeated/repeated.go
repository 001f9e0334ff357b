// Package repeated: a loop that reads the map expects repeated keys, and a
// key that does not change gives one entry: not reported.
package repeated

func counting(words []string) map[string]int {
	counts := make(map[string]int)
	for _, w := range words {
		counts[w]++
	}
	return counts
}

func addAssign(words []string) map[string]int {
	counts := make(map[string]int)
	for _, w := range words {
		counts[w] += len(w)
	}
	return counts
}

func groupBy(words []string) map[int][]string {
	byLen := make(map[int][]string)
	for _, w := range words {
		byLen[len(w)] = append(byLen[len(w)], w)
	}
	return byLen
}

func membership(words []string) map[string]int {
	first := make(map[string]int)
	for i, w := range words {
		if _, ok := first[w]; ok {
			continue
		}
		first[w] = i
	}
	return first
}

func readsLen(words []string) map[string]int {
	ids := make(map[string]int)
	for _, w := range words {
		ids[w] = len(ids)
	}
	return ids
}

func loopInvariantKey(words []string) map[string]string {
	m := make(map[string]string)
	for _, w := range words {
		m["last"] = w
	}
	return m
}

func keyFromCall(words []string, next func() string) map[string]string {
	m := make(map[string]string)
	for _, w := range words {
		m[next()] = w
	}
	return m
}

func twoInsertsPerIteration(pairs [][2]string) map[string]string {
	m := make(map[string]string)
	for _, p := range pairs {
		m[p[0]] = p[1]
		m[p[1]] = p[0]
	}
	return m
}

func deleteInLoop(words []string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range words {
		m[w] = true
		delete(m, "")
	}
	return m
}
