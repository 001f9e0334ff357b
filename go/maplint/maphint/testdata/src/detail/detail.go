// Package detail: the machine-readable facts -detail appends.
package detail

func strings(xs []string) map[string]int {
	m := make(map[string]int) // want `maplint-detail: \{"map":"m","type":"map\[string\]int","key_bytes":16,"value_bytes":8,"hint":"len\(xs\)","const_n":null,"exact":false,"go":"","loop_line":6\}`
	for i, x := range xs {
		m[x] = i
	}
	return m
}

type big struct{ a [40]int64 }

func constant() map[int32]big {
	m := map[int32]big{} // want `maplint-detail: \{"map":"m","type":"map\[int32\]big","key_bytes":4,"value_bytes":320,"hint":"1000","const_n":1000,"exact":true,"go":"","loop_line":16\}`
	for i := int32(0); i < 1000; i++ {
		m[i] = big{}
	}
	return m
}

func set[K comparable](ks [9]K) map[K]struct{} {
	m := make(map[K]struct{}) // want `maplint-detail: \{"map":"m","type":"map\[K\]struct\{\}","key_bytes":-1,"value_bytes":0,"hint":"len\(ks\)","const_n":9,"exact":false,"go":"","loop_line":24\}`
	for _, k := range ks {
		m[k] = struct{}{}
	}
	return m
}
