//! The senders: one loop per path, moving a whole file to a descriptor.
//!
//! Every system call goes through [`super::sys`] (counted); every byte that
//! passes through user-space memory is counted on the way: `into_user`
//! (bytes the kernel copied into a user buffer: `read` results) and
//! `from_user` (bytes the kernel copied from a user-space address: `write`
//! results, whether the address is a buffer or a file mapping).
//!
//! A *request* is what one call is asked to move: at most the chunk size
//! (the profile's `buffer_size`). Each request is one operation for the
//! latency lens ([`OpTimer`]).

use super::sys::{self, Syscalls};
use super::{IoError, IoPath};
use crate::scenario::OpTimer;
use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};

/// What one send did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendCounts {
    /// Calls made.
    pub syscalls: Syscalls,
    /// Bytes the kernel copied into user-space buffers.
    pub into_user: u64,
    /// Bytes the kernel copied from user-space addresses.
    pub from_user: u64,
    /// Bytes handed to the target (the calls' results).
    pub sent: u64,
    /// Requests made (operations of the latency lens).
    pub requests: u64,
}

/// Requests in flight per `io_uring_enter` on the `io_uring` path.
pub const URING_DEPTH: usize = 4;

/// A path's resources for one send, made before the region.
pub struct Sender {
    path: IoPath,
    src: File,
    len: u64,
    chunk: usize,
    buf: Vec<u8>,
    pipe: Option<(OwnedFd, OwnedFd)>,
    ring: Option<io_uring::IoUring>,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("path", &self.path)
            .field("len", &self.len)
            .field("chunk", &self.chunk)
            .finish_non_exhaustive()
    }
}

impl Sender {
    /// Sets up `path` to send `len` bytes of `src` in requests of at most
    /// `chunk` bytes: buffers are allocated and touched, the splice pipe is
    /// made and sized, the ring is set up. A refusal (no `io_uring` here, a
    /// pipe that cannot grow) is an error naming it.
    pub fn new(path: IoPath, src: File, len: u64, chunk: usize) -> Result<Sender, IoError> {
        let mut chunk = chunk.clamp(1, len.max(1) as usize);
        let buf_len = match path {
            IoPath::ReadWrite => chunk,
            IoPath::IoUring => chunk * URING_DEPTH.min(len.div_ceil(chunk as u64) as usize),
            _ => 0,
        };
        // Touch every page now, so page faults of the buffer are setup.
        let buf = vec![1u8; buf_len];
        let mut pipe = None;
        if path == IoPath::Splice {
            let (r, w) = super::sink::pipe()?;
            chunk = size_pipe(&w, chunk)?;
            pipe = Some((r, w));
        }
        let ring = if path == IoPath::IoUring {
            Some(
                io_uring::IoUring::new((2 * URING_DEPTH) as u32)
                    .map_err(|source| IoError::IoUringRefused { source })?,
            )
        } else {
            None
        };
        Ok(Sender {
            path,
            src,
            len,
            chunk,
            buf,
            pipe,
            ring,
        })
    }

    /// The request size in force (the splice pipe may cap it).
    pub fn chunk(&self) -> usize {
        self.chunk
    }

    /// Sends the whole file to `dst`.
    pub fn send<T: OpTimer>(&mut self, dst: i32, timer: &mut T) -> Result<SendCounts, IoError> {
        let mut c = SendCounts::default();
        let r = match self.path {
            IoPath::ReadWrite => self.read_write(dst, &mut c, timer),
            IoPath::MmapWrite => self.mmap_write(dst, &mut c, timer),
            IoPath::Sendfile => self.sendfile(dst, &mut c, timer),
            IoPath::Splice => self.splice(dst, &mut c, timer),
            IoPath::IoUring => self.io_uring(dst, &mut c, timer),
        };
        r.map_err(|source| IoError::Send {
            path: self.path,
            sent: c.sent,
            len: self.len,
            source,
        })?;
        Ok(c)
    }

    fn read_write<T: OpTimer>(
        &mut self,
        dst: i32,
        c: &mut SendCounts,
        timer: &mut T,
    ) -> std::io::Result<()> {
        let src = self.src.as_raw_fd();
        while c.sent < self.len {
            timer.begin();
            let want = (self.len - c.sent).min(self.chunk as u64) as usize;
            let n = sys::read(&mut c.syscalls, src, &mut self.buf[..want])?;
            if n == 0 {
                return Err(early_eof());
            }
            c.into_user += n as u64;
            let mut done = 0;
            while done < n {
                // SAFETY: `buf[done..n]` is initialised memory we own.
                let m = unsafe {
                    sys::write(&mut c.syscalls, dst, self.buf[done..].as_ptr(), n - done)
                }?;
                done += m;
                c.from_user += m as u64;
            }
            c.sent += n as u64;
            c.requests += 1;
            timer.end();
        }
        Ok(())
    }

    fn mmap_write<T: OpTimer>(
        &mut self,
        dst: i32,
        c: &mut SendCounts,
        timer: &mut T,
    ) -> std::io::Result<()> {
        let len = self.len as usize;
        let map = sys::mmap_file(&mut c.syscalls, self.src.as_raw_fd(), len)?;
        let result = (|| {
            while c.sent < self.len {
                timer.begin();
                let want = (self.len - c.sent).min(self.chunk as u64) as usize;
                // SAFETY: `map` maps `len` bytes of the file, readable, and
                // `c.sent + want <= len`.
                let m =
                    unsafe { sys::write(&mut c.syscalls, dst, map.add(c.sent as usize), want) }?;
                c.from_user += m as u64;
                c.sent += m as u64;
                c.requests += 1;
                timer.end();
            }
            Ok(())
        })();
        // SAFETY: the mapping made above; nothing uses it after this.
        unsafe { sys::munmap(&mut c.syscalls, map, len) }?;
        result
    }

    fn sendfile<T: OpTimer>(
        &mut self,
        dst: i32,
        c: &mut SendCounts,
        timer: &mut T,
    ) -> std::io::Result<()> {
        let mut offset = 0i64;
        while c.sent < self.len {
            timer.begin();
            let want = (self.len - c.sent).min(self.chunk as u64) as usize;
            let n = sys::sendfile(
                &mut c.syscalls,
                dst,
                self.src.as_raw_fd(),
                &mut offset,
                want,
            )?;
            if n == 0 {
                return Err(early_eof());
            }
            c.sent += n as u64;
            c.requests += 1;
            timer.end();
        }
        Ok(())
    }

    fn splice<T: OpTimer>(
        &mut self,
        dst: i32,
        c: &mut SendCounts,
        timer: &mut T,
    ) -> std::io::Result<()> {
        let (pr, pw) = self.pipe.as_ref().expect("splice sender has its pipe");
        let (pr, pw) = (pr.as_raw_fd(), pw.as_raw_fd());
        let mut offset = 0i64;
        while c.sent < self.len {
            timer.begin();
            let want = (self.len - c.sent).min(self.chunk as u64) as usize;
            let n = sys::splice(
                &mut c.syscalls,
                self.src.as_raw_fd(),
                Some(&mut offset),
                pw,
                want,
                libc::SPLICE_F_MOVE,
            )?;
            if n == 0 {
                return Err(early_eof());
            }
            let mut out = 0;
            while out < n {
                let m = sys::splice(&mut c.syscalls, pr, None, dst, n - out, libc::SPLICE_F_MOVE)?;
                if m == 0 {
                    return Err(std::io::Error::other("splice(pipe → target) moved 0 bytes"));
                }
                out += m;
            }
            c.sent += n as u64;
            c.requests += 1;
            timer.end();
        }
        Ok(())
    }

    /// Batches of up to [`URING_DEPTH`] chunks: READ(file → buffer i) and
    /// WRITE(buffer i → target), all linked in one chain so the writes stay
    /// in order, submitted and waited for by one `io_uring_enter`. A short
    /// WRITE (a pipe takes at most its capacity) ends the chain, the kernel
    /// cancels the rest, and the missing bytes are written one WRITE at a
    /// time, in order, before the next batch.
    fn io_uring<T: OpTimer>(
        &mut self,
        dst: i32,
        c: &mut SendCounts,
        timer: &mut T,
    ) -> std::io::Result<()> {
        use io_uring::{opcode, squeue, types};
        let ring = self.ring.as_mut().expect("io_uring sender has its ring");
        let src = self.src.as_raw_fd();
        let chunk = self.chunk;
        let mut offset = 0u64;
        while offset < self.len {
            timer.begin();
            let mut lens: Vec<u64> = Vec::with_capacity(URING_DEPTH);
            let mut at = offset;
            while lens.len() < URING_DEPTH && at < self.len {
                let n = (self.len - at).min(chunk as u64);
                lens.push(n);
                at += n;
            }
            let k = lens.len();
            {
                let mut sq = ring.submission();
                let mut at = offset;
                for (i, &n) in lens.iter().enumerate() {
                    let ptr = self.buf[i * chunk..].as_mut_ptr();
                    let read = opcode::Read::new(types::Fd(src), ptr, n as u32)
                        .offset(at)
                        .build()
                        .flags(squeue::Flags::IO_LINK)
                        .user_data((i as u64) << 1);
                    let write = opcode::Write::new(types::Fd(dst), ptr, n as u32)
                        .offset(u64::MAX)
                        .build()
                        .flags(if i + 1 == k {
                            squeue::Flags::empty()
                        } else {
                            squeue::Flags::IO_LINK
                        })
                        .user_data(((i as u64) << 1) | 1);
                    // SAFETY: buffer i stays alive and untouched until its
                    // completions are reaped below, before the next batch.
                    unsafe {
                        sq.push(&read)
                            .and_then(|_| sq.push(&write))
                            .map_err(|_| std::io::Error::other("io_uring submission queue full"))?;
                    }
                    at += n;
                }
            }
            // Results per chunk: [read, write], as the kernel returned them.
            let mut res = vec![[0i32; 2]; k];
            let entries = 2 * k;
            let (mut reaped, mut to_submit) = (0, entries as u32);
            while reaped < entries {
                sys::io_uring_enter(
                    &mut c.syscalls,
                    ring.as_raw_fd(),
                    to_submit,
                    (entries - reaped) as u32,
                )?;
                to_submit = 0;
                for cqe in ring.completion() {
                    reaped += 1;
                    res[(cqe.user_data() >> 1) as usize][(cqe.user_data() & 1) as usize] =
                        cqe.result();
                }
            }
            let step = |what: &str, i: usize, r: i32| -> std::io::Result<u64> {
                match r {
                    r if r >= 0 => Ok(r as u64),
                    r if r == -libc::ECANCELED => Ok(0),
                    r => {
                        let e = std::io::Error::from_raw_os_error(-r);
                        Err(std::io::Error::new(
                            e.kind(),
                            format!("io_uring {what} of chunk {i}: {e}"),
                        ))
                    }
                }
            };
            for (i, [read, write]) in res.iter().copied().enumerate() {
                if read == 0 {
                    return Err(early_eof());
                }
                let got = step("READ", i, read)?;
                if got == 0 {
                    break; // cancelled: the next batch reads it again
                }
                c.into_user += got;
                let mut done = step("WRITE", i, write)?;
                while done < got {
                    let ptr = self.buf[i * chunk + done as usize..].as_mut_ptr();
                    let rest = opcode::Write::new(types::Fd(dst), ptr, (got - done) as u32)
                        .offset(u64::MAX)
                        .build()
                        .user_data(1);
                    // SAFETY: the buffer holds the chunk until this WRITE completes below.
                    unsafe { ring.submission().push(&rest) }
                        .map_err(|_| std::io::Error::other("io_uring submission queue full"))?;
                    sys::io_uring_enter(&mut c.syscalls, ring.as_raw_fd(), 1, 1)?;
                    let r = ring.completion().next().map_or(0, |cqe| cqe.result());
                    match step("WRITE", i, r)? {
                        0 => {
                            return Err(std::io::Error::other(format!(
                                "io_uring WRITE of chunk {i} moved nothing"
                            )))
                        }
                        n => done += n,
                    }
                }
                c.from_user += got;
                c.sent += got;
                c.requests += 1;
                offset += got;
                if got < lens[i] {
                    break; // a short read ended the chain
                }
            }
            timer.end();
        }
        Ok(())
    }
}

fn early_eof() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the source file ended early",
    )
}

/// Grows the splice pipe to hold `chunk` bytes where it can; returns the
/// pipe's capacity in force, which caps the request size.
fn size_pipe(w: &OwnedFd, chunk: usize) -> Result<usize, IoError> {
    let max = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .unwrap_or(1 << 20);
    let want = chunk.min(max).min(i32::MAX as usize) as libc::c_int;
    // SAFETY: fcntl on our own pipe descriptor.
    let got = unsafe { libc::fcntl(w.as_raw_fd(), libc::F_SETPIPE_SZ, want) };
    if got < 0 {
        return Err(IoError::PipeSize {
            want,
            source: std::io::Error::last_os_error(),
        });
    }
    Ok(chunk.min(got as usize))
}
