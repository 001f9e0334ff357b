// Package literal: a range over a local slice literal that nothing changes
// has a constant trip count, its element count; up to 8 entries never grow
// a map, so those loops are not reported.
package literal

func fourElements() map[int]int {
	ks := []int{10, 20, 30, 40}
	m := make(map[int]int)
	for i, k := range ks {
		m[k] = i
	}
	return m
}

func eightElementsVar() map[string]bool {
	var names = []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func nineElements() map[int]bool {
	ks := []int{1, 2, 3, 4, 5, 6, 7, 8, 9}
	m := map[int]bool{} // want `map m is made without a size hint, then gets up to len\(ks\) keys`
	for _, k := range ks {
		m[k] = true
	}
	return m
}

func appendedTo(extra []int) map[int]bool {
	ks := []int{1, 2, 3, 4}
	ks = append(ks, extra...)
	m := map[int]bool{} // want `map m is made without a size hint, then gets up to len\(ks\) keys`
	for _, k := range ks {
		m[k] = true
	}
	return m
}

func addressTaken(grow func(*[]int)) map[int]bool {
	ks := []int{1, 2}
	grow(&ks)
	m := map[int]bool{} // want `map m is made without a size hint, then gets up to len\(ks\) keys`
	for _, k := range ks {
		m[k] = true
	}
	return m
}

func keyedElements() map[int]bool {
	ks := []int{1, 2, 3, 20: 4}
	m := map[int]bool{} // want `map m is made without a size hint, then gets up to len\(ks\) keys`
	for _, k := range ks {
		m[k] = true
	}
	return m
}
