package valgrind

// clientRequest executes valgrind's special instruction preamble with AX
// pointing to args; returns the result valgrind leaves in DX (0 outside
// valgrind).
//
//go:noescape
func clientRequest(args *[6]uint64) uint64
