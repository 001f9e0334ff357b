//go:build !go1.24

// Empty assembly file: lets main.go declare the body-less function
// roundupsize, which is bound to runtime.roundupsize via //go:linkname.
