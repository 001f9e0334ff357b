package maphook

import "runtime"

func runtimeGC() { runtime.GC() }
