package harness

import (
	"fmt"
	"time"
)

// valuePool is the number of distinct values writes cycle through.
const valuePool = 64

// op is one operation of a measured region.
type op[K comparable] struct {
	key K
	// val is the index of the value in the pool (writes only).
	val uint32
	del bool
}

// prepared is a map in its scenario's starting state, with the measured
// region ready: ops in order, then (for the classic map's evacuation
// scenarios) deletes of absent keys while the growth the ops started is in
// progress — Go's growWork runs on delete, as on insert.
type prepared[K comparable, V any] struct {
	m      map[K]V
	ops    []op[K]
	drive  []K
	values []V
	// growing reports whether an evacuation is in progress (drive only).
	growing func() bool
	// units and unitsName: what the region's figures are per.
	units     uint64
	unitsName string
	ran       bool
}

// prepare builds the map and the region of spec's scenario, as
// src/scenario/prepare.rs does for the model.
func prepare[K comparable, V any](spec *Spec) (*prepared[K, V], error) {
	p := &prepared[K, V]{values: make([]V, valuePool)}
	for i := range p.values {
		p.values[i] = fromID[V](uint64(i))
	}
	n := spec.N
	if n < 1 {
		return nil, fmt.Errorf("n = %d: a cell needs n >= 1", n)
	}
	switch {
	case spec.Keys == "random", spec.Keys == "sequential", spec.Keys == "zipf":
	case spec.Keys == "colliding" && spec.Scenario == "overflow":
		// The overflow scenario always crafts its colliding keys, through
		// the runtime's own hasher.
	default:
		return nil, fmt.Errorf("keys = %q is not supported by the Go harness; supported: random, sequential, zipf (and colliding for overflow)", spec.Keys)
	}
	src := newKeySource(spec.Keys == "sequential", spec.Seed)
	r := newRng(spec.Seed ^ 0x00736574757570)
	v := func(i int) uint32 { return uint32(i % valuePool) }
	p.m = make(map[K]V, spec.Hint)
	fill := func(count int) []uint64 {
		ids := make([]uint64, count)
		for i := range ids {
			id := src.fresh()
			p.m[fromID[K](id)] = p.values[i%valuePool]
			ids[i] = id
		}
		return ids
	}
	write := func(id uint64, val uint32) op[K] { return op[K]{key: fromID[K](id), val: val} }
	p.unitsName = "writes"
	p.units = uint64(n)
	switch spec.Scenario {
	case "assign":
		fill(n)
		for i := 0; i < n; i++ {
			p.ops = append(p.ops, write(src.fresh(), v(i)))
		}
	case "overflow":
		if err := prepareOverflow(p, n, spec.Seed); err != nil {
			return nil, err
		}
	case "evacuate_double":
		fill(n)
		if err := prepareEvacuateDouble(p, src); err != nil {
			return nil, err
		}
	case "evacuate_same_size":
		live := fill(n)
		if err := prepareEvacuateSameSize(p, src, r, live); err != nil {
			return nil, err
		}
	case "small_to_table":
		fill(8) // a full small map: one group of 8 slots
		if err := prepareRehash(p, src, "small_to_table", 0); err != nil {
			return nil, err
		}
	case "table_grow":
		fill(tableGrowCapacity(n) * 7 / 8)
		if err := prepareRehash(p, src, "table_grow", 0); err != nil {
			return nil, err
		}
	case "table_split":
		if n < 897 {
			n = 897
		}
		fill(n)
		if err := prepareRehash(p, src, "table_split", 64*n+100000); err != nil {
			return nil, err
		}
	case "insert":
		if spec.Keys == "zipf" {
			z := newZipf(n, spec.Seed)
			for i := 0; i < n; i++ {
				p.ops = append(p.ops, write(zipfID(z.nextRank()), v(i)))
			}
		} else {
			for i := 0; i < n; i++ {
				p.ops = append(p.ops, write(src.fresh(), v(i)))
			}
		}
	case "update":
		ids := fill(n)
		if spec.Keys == "zipf" {
			z := newZipf(n, spec.Seed)
			for i := 0; i < n; i++ {
				p.ops = append(p.ops, write(ids[z.nextRank()-1], v(i+1)))
			}
		} else {
			order := append([]uint64(nil), ids...)
			for i := len(order) - 1; i >= 1; i-- {
				j := r.below(uint64(i + 1))
				order[i], order[j] = order[j], order[i]
			}
			for i, id := range order {
				p.ops = append(p.ops, write(id, v(i+1)))
			}
		}
	case "churn":
		live := fill(n)
		k := n / 2
		if k < 1 {
			k = 1
		}
		var z *zipf
		if spec.Keys == "zipf" {
			z = newZipf(n, spec.Seed)
		}
		for i := 0; i < k*spec.ChurnRounds && len(live) > 0; i++ {
			var idx int
			if z != nil {
				idx = int(z.nextRank()) - 1
				if idx > len(live)-1 {
					idx = len(live) - 1
				}
			} else {
				idx = int(r.below(uint64(len(live))))
			}
			victim := live[idx]
			live[idx] = live[len(live)-1]
			live = live[:len(live)-1]
			p.ops = append(p.ops, op[K]{key: fromID[K](victim), del: true})
			id := src.fresh()
			p.ops = append(p.ops, write(id, v(i)))
			live = append(live, id)
		}
		p.units = uint64(len(p.ops))
		p.unitsName = "operations"
	default:
		return nil, fmt.Errorf("scenario %q is not supported by the Go harness; supported: assign, overflow, evacuate_double, evacuate_same_size, insert, churn, update, and on the Swiss map small_to_table, table_grow, table_split", spec.Scenario)
	}
	return p, nil
}

// tableGrowCapacity is the table capacity the table_grow scenario doubles
// for N keys: the power of two (16 to 512) whose growth point is the first
// at or after N (src/scenario/mod.rs table_grow_capacity).
func tableGrowCapacity(n int) int {
	c := 16
	for c < 512 && n > c*7/8 {
		c *= 2
	}
	return c
}

// region is the measured work: the ops, then the driving deletes.
func (p *prepared[K, V]) region() {
	m, values := p.m, p.values
	for _, o := range p.ops {
		if o.del {
			delete(m, o.key)
		} else {
			m[o.key] = values[o.val]
		}
	}
	p.driveGrowth(nil)
}

// driveGrowth deletes absent keys until the growth in progress is done,
// calling each (if not nil) after every delete.
func (p *prepared[K, V]) driveGrowth(each func(K)) {
	if p.drive == nil {
		return
	}
	for i := 0; p.growing(); i++ {
		if i >= len(p.drive) {
			panic(fmt.Sprintf("the growth did not finish within %d driving deletes", len(p.drive)))
		}
		delete(p.m, p.drive[i])
		if each != nil {
			each(p.drive[i])
		}
	}
}

// regionTimed is region with every operation timed into ns.
func (p *prepared[K, V]) regionTimed(ns *[]int64) {
	m, values := p.m, p.values
	out := *ns
	for _, o := range p.ops {
		t := time.Now()
		if o.del {
			delete(m, o.key)
		} else {
			m[o.key] = values[o.val]
		}
		out = append(out, int64(time.Since(t)))
	}
	if p.drive != nil {
		for i := 0; p.growing(); i++ {
			if i >= len(p.drive) {
				panic(fmt.Sprintf("the growth did not finish within %d driving deletes", len(p.drive)))
			}
			t := time.Now()
			delete(m, p.drive[i])
			out = append(out, int64(time.Since(t)))
		}
	}
	*ns = out
}

// run runs the region once inside measuredRegion.
func (p *prepared[K, V]) run() {
	if p.ran {
		panic("a prepared region runs once; prepare again")
	}
	p.ran = true
	runRegion(p.region)
}
