#include "textflag.h"

// func clientRequest(args *[6]uint64) uint64
//
// valgrind's amd64 preamble: rotations of DI adding up to 128 bits (DI
// ends unchanged), then XCHGQ BX, BX; under valgrind the request is read
// from the block AX points to and the result written to DX.
TEXT ·clientRequest(SB), NOSPLIT, $0-16
	MOVQ args+0(FP), AX
	XORQ DX, DX
	ROLQ $3, DI
	ROLQ $13, DI
	ROLQ $61, DI
	ROLQ $51, DI
	XCHGQ BX, BX
	MOVQ DX, ret+8(FP)
	RET
