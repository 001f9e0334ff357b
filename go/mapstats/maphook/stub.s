// Empty: lets maphook.go declare mapassign_fast64 without a body (it is
// the runtime's, through go:linkname).
