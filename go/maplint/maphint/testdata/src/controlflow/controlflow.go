// Package controlflow: loops that can stop early are not reported (the
// map may get far fewer entries than the trip count).
package controlflow

func breakAfterInsert(xs []int) map[int]int {
	m := make(map[int]int)
	for i, x := range xs {
		m[i] = x
		if x == 0 {
			break
		}
	}
	return m
}

func labeledBreakFromNestedLoop(rows [][]int) map[int]int {
	m := make(map[int]int)
rows:
	for i, row := range rows {
		m[i] = len(row)
		for _, v := range row {
			if v < 0 {
				break rows
			}
		}
	}
	return m
}

func labeledBreakFromSwitch(xs []int) map[int]int {
	m := make(map[int]int)
loop:
	for i, x := range xs {
		m[i] = x
		switch x {
		case 0:
			break loop
		}
	}
	return m
}

func gotoInBody(xs []int) map[int]int {
	m := make(map[int]int)
	for i, x := range xs {
		if x < 0 {
			goto done
		}
		m[i] = x
	}
done:
	return m
}
