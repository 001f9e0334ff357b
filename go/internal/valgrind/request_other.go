//go:build !amd64

package valgrind

func clientRequest(args *[6]uint64) uint64 { return 0 }
