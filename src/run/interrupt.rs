//! Ctrl-C (SIGINT) and SIGTERM during a run: say how to continue, then
//! exit as an interrupted command does (128 + the signal: 130 for Ctrl-C).
//!
//! Nothing needs saving: every file of a run is written atomically, so the
//! finished cells are on disk and `--resume` redoes only what is missing.
//! The handler only writes a message prepared beforehand and calls
//! `_exit`, both async-signal-safe.

use std::sync::OnceLock;

static MESSAGE: OnceLock<Vec<u8>> = OnceLock::new();

extern "C" fn handler(signal: libc::c_int) {
    if let Some(m) = MESSAGE.get() {
        // SAFETY: `write` and `_exit` are async-signal-safe; `m` is a
        // static that is never changed once set, so it is valid for the
        // whole call.
        unsafe {
            libc::write(2, m.as_ptr().cast(), m.len());
        }
    }
    // SAFETY: ends the process at once without running Rust code that is
    // not async-signal-safe.
    unsafe { libc::_exit(128 + signal) }
}

/// Prints `message` to stderr on SIGINT or SIGTERM and exits with 128 +
/// the signal. Only the first message of a process is kept.
pub fn on_interrupt(message: &str) {
    if MESSAGE.set(message.as_bytes().to_vec()).is_err() {
        return;
    }
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `handler` is an `extern "C" fn(c_int)` that only calls
        // async-signal-safe functions; installing it has no other effect.
        unsafe {
            libc::signal(signal, handler as *const () as libc::sighandler_t);
        }
    }
}
