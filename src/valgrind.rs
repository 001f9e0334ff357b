//! Valgrind client requests: switching callgrind's instrumentation on for
//! the measured region only, so the setup runs at valgrind's uninstrumented
//! speed (several times faster) and large cells stay affordable.
//!
//! A client request is valgrind's "special instruction preamble": four
//! rotations of `rdi` adding up to 128 bits, then `xchg rbx, rbx`. On real
//! hardware the sequence changes nothing; under valgrind it is recognised
//! and the request read from the argument block `rax` points to
//! (`valgrind.h`, amd64). Elsewhere the functions do nothing.

/// `VG_USERREQ_TOOL_BASE('C', 'T')`: the base of callgrind's requests.
const CALLGRIND_BASE: u64 = (b'C' as u64) << 24 | (b'T' as u64) << 16;
/// `VG_USERREQ__START_INSTRUMENTATION`.
const START_INSTRUMENTATION: u64 = CALLGRIND_BASE + 4;
/// `VG_USERREQ__STOP_INSTRUMENTATION`.
const STOP_INSTRUMENTATION: u64 = CALLGRIND_BASE + 5;

#[cfg(all(target_arch = "x86_64", any(target_os = "linux", target_os = "macos")))]
#[inline(always)]
fn client_request(request: u64) -> u64 {
    let args: [u64; 6] = [request, 0, 0, 0, 0, 0];
    let mut result: u64 = 0;
    // SAFETY: the preamble rotates `rdi` by 3 + 13 + 61 + 51 = 128 bits, so
    // `rdi` ends unchanged, and `xchg rbx, rbx` leaves `rbx` unchanged; on
    // hardware the block only changes flags (declared by not using
    // `preserves_flags`). Under valgrind it reads `args` (alive for the
    // whole block, hence not `nomem`) and writes the result into `rdx`,
    // which is declared as an in/out operand.
    unsafe {
        core::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            inout("rdx") result,
            in("rax") args.as_ptr(),
            options(nostack),
        );
    }
    result
}

#[cfg(not(all(target_arch = "x86_64", any(target_os = "linux", target_os = "macos"))))]
#[inline(always)]
fn client_request(_request: u64) -> u64 {
    0
}

/// Asks callgrind to start instrumenting (no-op outside callgrind).
#[inline(always)]
pub fn start_instrumentation() {
    client_request(START_INSTRUMENTATION);
}

/// Asks callgrind to stop instrumenting (no-op outside callgrind).
#[inline(always)]
pub fn stop_instrumentation() {
    client_request(STOP_INSTRUMENTATION);
}

#[cfg(test)]
mod tests {
    #[test]
    fn requests_are_harmless_outside_valgrind() {
        // Not under valgrind: nothing happens, nothing breaks.
        super::start_instrumentation();
        super::stop_instrumentation();
        let v: Vec<u64> = (0..100).collect();
        assert_eq!(v.iter().sum::<u64>(), 4950);
    }
}
