//! The sender's system calls, each made through one counted wrapper.
//!
//! Every call the measured region makes goes through a function here that
//! adds one to [`Syscalls`] and, on x86_64, issues the `syscall`
//! instruction itself. Two reasons:
//!
//! - **Counting**: the harness knows exactly which calls the region made
//!   (no `strace`, no tracepoint permissions needed).
//! - **Visible frames**: libc's wrappers are on the flame graph lens's
//!   unwinding blocklist (unwinding from inside libc can deadlock), so a
//!   sample taken while the kernel works for the region would be dropped.
//!   With the instruction in these never-inlined functions, such a sample's
//!   leaf is `mapamp::scenario::io::sys::write` (or `read`, `sendfile`, ...), and the
//!   user-space flame graph shows which call the time went to.
//!
//! Elsewhere than x86_64 the wrappers call `libc::syscall` (same counts;
//! the flame graph then loses those samples).
//!
//! Errors come back as [`std::io::Error`] with the call named.

use std::io;

/// The calls the region can make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sys {
    /// `read(2)`.
    Read,
    /// `write(2)`.
    Write,
    /// `sendfile(2)`.
    Sendfile,
    /// `splice(2)`.
    Splice,
    /// `mmap(2)`.
    Mmap,
    /// `munmap(2)`.
    Munmap,
    /// `madvise(2)`.
    Madvise,
    /// `io_uring_enter(2)`.
    IoUringEnter,
}

impl Sys {
    /// Every call, in report order.
    pub const ALL: [Sys; 8] = [
        Sys::Read,
        Sys::Write,
        Sys::Sendfile,
        Sys::Splice,
        Sys::Mmap,
        Sys::Munmap,
        Sys::Madvise,
        Sys::IoUringEnter,
    ];

    /// The call's name as in its man page.
    pub fn name(self) -> &'static str {
        match self {
            Sys::Read => "read",
            Sys::Write => "write",
            Sys::Sendfile => "sendfile",
            Sys::Splice => "splice",
            Sys::Mmap => "mmap",
            Sys::Munmap => "munmap",
            Sys::Madvise => "madvise",
            Sys::IoUringEnter => "io_uring_enter",
        }
    }

    fn number(self) -> libc::c_long {
        match self {
            Sys::Read => libc::SYS_read,
            Sys::Write => libc::SYS_write,
            Sys::Sendfile => libc::SYS_sendfile,
            Sys::Splice => libc::SYS_splice,
            Sys::Mmap => libc::SYS_mmap,
            Sys::Munmap => libc::SYS_munmap,
            Sys::Madvise => libc::SYS_madvise,
            Sys::IoUringEnter => libc::SYS_io_uring_enter,
        }
    }
}

/// Calls made, per [`Sys`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Syscalls([u64; Sys::ALL.len()]);

impl Syscalls {
    /// Calls of one kind.
    pub fn get(&self, s: Sys) -> u64 {
        self.0[s as usize]
    }

    /// All calls.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// `(name, count)` of every kind called at least once, in [`Sys::ALL`] order.
    pub fn nonzero(&self) -> Vec<(&'static str, u64)> {
        Sys::ALL
            .iter()
            .filter(|s| self.get(**s) > 0)
            .map(|s| (s.name(), self.get(*s)))
            .collect()
    }

    fn count(&mut self, s: Sys) {
        self.0[s as usize] += 1;
    }
}

/// The raw call: returns the kernel's result (negative errno on failure).
///
/// # Safety
/// The arguments must be valid for the call `nr` (pointers pointing to
/// memory of the lengths the call will read or write).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn raw(nr: libc::c_long, a: [usize; 6]) -> isize {
    let ret: isize;
    // SAFETY: the x86_64 Linux system call convention: number in rax,
    // arguments in rdi, rsi, rdx, r10, r8, r9; the kernel clobbers rcx and
    // r11 and touches no user stack. The caller guarantees the arguments
    // are valid for the call.
    unsafe {
        std::arch::asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a[0],
            in("rsi") a[1],
            in("rdx") a[2],
            in("r10") a[3],
            in("r8") a[4],
            in("r9") a[5],
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// The raw call through libc (other architectures).
///
/// # Safety
/// As for the x86_64 version.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
unsafe fn raw(nr: libc::c_long, a: [usize; 6]) -> isize {
    // SAFETY: the caller guarantees the arguments are valid for the call.
    let r = unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) };
    if r < 0 {
        -(io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO) as isize)
    } else {
        r as isize
    }
}

/// Counts the call, makes it, and turns a negative result into an error
/// naming the call.
///
/// # Safety
/// As for [`raw`].
#[inline(always)]
unsafe fn counted(calls: &mut Syscalls, s: Sys, a: [usize; 6]) -> io::Result<usize> {
    calls.count(s);
    // SAFETY: forwarded from the caller.
    let r = unsafe { raw(s.number(), a) };
    if r < 0 {
        let e = io::Error::from_raw_os_error((-r) as i32);
        Err(io::Error::new(e.kind(), format!("{}: {e}", s.name())))
    } else {
        Ok(r as usize)
    }
}

/// `read(fd, buf, buf.len())`, retried on `EINTR`.
#[inline(never)]
pub fn read(calls: &mut Syscalls, fd: i32, buf: &mut [u8]) -> io::Result<usize> {
    let (ptr, len) = (buf.as_mut_ptr() as usize, buf.len());
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    retrying(|| unsafe { counted(calls, Sys::Read, [fd as usize, ptr, len, 0, 0, 0]) })
}

/// `write(fd, ptr, len)`, retried on `EINTR`.
///
/// # Safety
/// `ptr` must be readable for `len` bytes (a buffer or a live mapping).
#[inline(never)]
pub unsafe fn write(
    calls: &mut Syscalls,
    fd: i32,
    ptr: *const u8,
    len: usize,
) -> io::Result<usize> {
    // SAFETY: the caller guarantees `ptr` is readable for `len` bytes.
    retrying(|| unsafe { counted(calls, Sys::Write, [fd as usize, ptr as usize, len, 0, 0, 0]) })
}

/// `sendfile(out, in, &offset, count)`, retried on `EINTR`.
#[inline(never)]
pub fn sendfile(
    calls: &mut Syscalls,
    out_fd: i32,
    in_fd: i32,
    offset: &mut i64,
    count: usize,
) -> io::Result<usize> {
    let off = offset as *mut i64 as usize;
    // SAFETY: `off` points to a valid `loff_t` the kernel reads and updates.
    retrying(|| unsafe {
        counted(
            calls,
            Sys::Sendfile,
            [out_fd as usize, in_fd as usize, off, count, 0, 0],
        )
    })
}

/// `splice(in, off_in, out, NULL, len, flags)`; `off_in` is `None` for a
/// pipe. Retried on `EINTR`.
#[inline(never)]
pub fn splice(
    calls: &mut Syscalls,
    in_fd: i32,
    off_in: Option<&mut i64>,
    out_fd: i32,
    len: usize,
    flags: u32,
) -> io::Result<usize> {
    let off = off_in.map_or(0, |o| o as *mut i64 as usize);
    // SAFETY: `off` is null or a valid `loff_t` the kernel updates.
    retrying(|| unsafe {
        counted(
            calls,
            Sys::Splice,
            [in_fd as usize, off, out_fd as usize, 0, len, flags as usize],
        )
    })
}

/// `mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0)`: a read-only view of a file.
#[inline(never)]
pub fn mmap_file(calls: &mut Syscalls, fd: i32, len: usize) -> io::Result<*const u8> {
    // SAFETY: a fresh mapping chosen by the kernel touches no existing memory.
    let r = unsafe {
        counted(
            calls,
            Sys::Mmap,
            [
                0,
                len,
                libc::PROT_READ as usize,
                libc::MAP_SHARED as usize,
                fd as usize,
                0,
            ],
        )
    }?;
    Ok(r as *const u8)
}

/// `madvise(ptr, len, advice)`.
///
/// # Safety
/// `ptr..ptr+len` must be a mapping this process owns.
#[inline(never)]
pub unsafe fn madvise(
    calls: &mut Syscalls,
    ptr: *const u8,
    len: usize,
    advice: i32,
) -> io::Result<()> {
    // SAFETY: the caller guarantees the range is one of its mappings.
    unsafe {
        counted(
            calls,
            Sys::Madvise,
            [ptr as usize, len, advice as usize, 0, 0, 0],
        )
    }
    .map(|_| ())
}

/// `munmap(ptr, len)`.
///
/// # Safety
/// `ptr..ptr+len` must be a mapping this process owns and nothing may use
/// it afterwards.
#[inline(never)]
pub unsafe fn munmap(calls: &mut Syscalls, ptr: *const u8, len: usize) -> io::Result<()> {
    // SAFETY: the caller guarantees the mapping is ours and unused from now on.
    unsafe { counted(calls, Sys::Munmap, [ptr as usize, len, 0, 0, 0, 0]) }.map(|_| ())
}

/// `io_uring_enter(fd, to_submit, min_complete, IORING_ENTER_GETEVENTS)`,
/// retried on `EINTR` (then with nothing more to submit).
#[inline(never)]
pub fn io_uring_enter(
    calls: &mut Syscalls,
    ring_fd: i32,
    to_submit: u32,
    min_complete: u32,
) -> io::Result<usize> {
    const IORING_ENTER_GETEVENTS: usize = 1;
    let mut submit = to_submit as usize;
    loop {
        // SAFETY: the ring's memory is mapped by its owner for as long as
        // the ring fd is open; no argument points into user memory.
        let r = unsafe {
            counted(
                calls,
                Sys::IoUringEnter,
                [
                    ring_fd as usize,
                    submit,
                    min_complete as usize,
                    IORING_ENTER_GETEVENTS,
                    0,
                    0,
                ],
            )
        };
        match r {
            Err(ref e) if e.kind() == io::ErrorKind::Interrupted => submit = 0,
            other => return other,
        }
    }
}

/// Repeats `call` while it fails with `EINTR`.
#[inline(always)]
fn retrying(mut call: impl FnMut() -> io::Result<usize>) -> io::Result<usize> {
    loop {
        match call() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_counted_and_errors_name_the_call() {
        let mut calls = Syscalls::default();
        let (r, w) = {
            let mut fds = [0; 2];
            // SAFETY: `fds` has room for the two descriptors.
            assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
            (fds[0], fds[1])
        };
        let data = *b"hello";
        // SAFETY: `data` is readable for its length.
        assert_eq!(
            unsafe { write(&mut calls, w, data.as_ptr(), 5) }.unwrap(),
            5
        );
        let mut buf = [0u8; 8];
        assert_eq!(read(&mut calls, r, &mut buf).unwrap(), 5);
        assert_eq!(&buf[..5], b"hello");
        let e = read(&mut calls, -1, &mut buf).unwrap_err();
        assert!(e.to_string().starts_with("read: "), "{e}");
        assert_eq!(calls.get(Sys::Read), 2);
        assert_eq!(calls.get(Sys::Write), 1);
        assert_eq!(calls.total(), 3);
        assert_eq!(calls.nonzero(), vec![("read", 2), ("write", 1)]);
        // SAFETY: both descriptors are ours and unused from here on.
        unsafe {
            libc::close(r);
            libc::close(w);
        }
    }
}
