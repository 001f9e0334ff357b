//! What can go wrong preparing, running and checking an io cell's send.
//!
//! One enum for the whole io family: the source file and its page-cache
//! state ([`super::source`]), the CPU-mask and loopback steps of
//! [`super::softnet`], the target and its receiver ([`super::sink`]), the
//! senders ([`super::send`]) and the cell ([`super::cell`]). A variant
//! names the step, the port or the figures; the OS error, where there is
//! one, is its source (printed after it by [`crate::error::chain`]).

use super::CacheState;
use std::path::PathBuf;

/// Why an io cell's send could not be prepared, run or checked.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// A system call or library step failed; `step` names it
    /// (`sched_getaffinity`, `mincore`, `pipe2`, `receiver poll`, ...).
    #[error("{step}")]
    Os {
        /// The call or step, as the message names it.
        step: &'static str,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file of the kernel's could not be written.
    #[error("writing {}", .path.display())]
    WriteFile {
        /// The file (`/proc/sys/vm/drop_caches`).
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Moving the thread to one CPU failed.
    #[error("pinning to CPU {cpu}: sched_setaffinity")]
    Pin {
        /// The CPU.
        cpu: usize,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The datagram that runs a CPU's receive softirq was not sent or received.
    #[error("loopback datagram on CPU {cpu}")]
    LoopbackDatagram {
        /// The CPU.
        cpu: usize,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file of zero bytes was asked for.
    #[error("an io cell needs a file of at least 1 byte")]
    EmptyFile,
    /// The private temporary folder could not be created.
    #[error("cannot create {}", .path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Every private folder name tried was taken.
    #[error("cannot create a private folder under {}", .base.display())]
    NoPrivateDir {
        /// The temporary folder.
        base: PathBuf,
    },
    /// The source file could not be written.
    #[error("cannot write the source file in {}", .dir.display())]
    WriteSource {
        /// The private folder it was written in.
        dir: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The cold state was not reached: pages still resident after every step.
    #[error(
        "cold: {resident} of {pages} pages still resident after {steps}{}",
        root_note(.root)
    )]
    StillResident {
        /// Pages resident after the last step.
        resident: u64,
        /// Pages of the file.
        pages: u64,
        /// The steps tried, each with the pages resident after it.
        steps: String,
        /// Whether the process ran as root (so the page cache was dropped).
        root: bool,
    },
    /// The state asked for was not reached.
    #[error("could not make the source file {}: {resident} of {pages} pages resident after: {method}", .state.name())]
    CacheNotReached {
        /// The state asked for.
        state: CacheState,
        /// Pages resident after `method`.
        resident: u64,
        /// Pages of the file.
        pages: u64,
        /// How the state was to be reached.
        method: &'static str,
    },
    /// The receiver's port is taken.
    #[error("the receiver cannot listen on 127.0.0.1:{port}: the port is in use; set `port = 0` in [io] to let the kernel pick a free one")]
    PortInUse {
        /// The port (the profile's `port`).
        port: u16,
    },
    /// The receiver could not listen for another reason.
    #[error("the receiver cannot listen on 127.0.0.1:{port}")]
    Listen {
        /// The port (0: one the kernel picks).
        port: u16,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The sender could not connect to its receiver.
    #[error("cannot connect to the receiver on 127.0.0.1:{port}")]
    Connect {
        /// The receiver's port.
        port: u16,
        /// The OS error of `connect`.
        #[source]
        source: std::io::Error,
    },
    /// Nobody connected in time.
    #[error("the receiver's deadline passed before the sender connected")]
    AcceptDeadline,
    /// The receiver's thread panicked.
    #[error("the receiver thread panicked")]
    ReceiverPanicked,
    /// The receiver waited past its deadline.
    #[error("the receiver timed out with {bytes} of {expected} bytes")]
    ReceiverTimeout {
        /// Bytes received.
        bytes: u64,
        /// Bytes announced.
        expected: u64,
    },
    /// A receiver read failed.
    #[error("receiver read after {bytes} bytes")]
    ReceiverRead {
        /// Bytes received before it.
        bytes: u64,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// More bytes arrived than the file holds.
    #[error("the receiver got more than the {expected} bytes sent")]
    TooManyBytes {
        /// Bytes announced.
        expected: u64,
    },
    /// The kernel (or a sandbox) refuses `io_uring`.
    #[error("io_uring_setup refused here")]
    IoUringRefused {
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The splice pipe could not be sized.
    #[error("fcntl(F_SETPIPE_SZ, {want}) on the splice pipe")]
    PipeSize {
        /// The size asked for, bytes.
        want: i32,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A send failed part way.
    #[error("{} failed after {sent} of {len} bytes", .path.name())]
    Send {
        /// The path.
        path: super::IoPath,
        /// Bytes handed to the target before the failure.
        sent: u64,
        /// The file's size.
        len: u64,
        /// The call's error.
        #[source]
        source: std::io::Error,
    },
    /// The cell's `buffer_size` is larger than this machine's address space.
    #[error("buffer_size does not fit in memory")]
    BufferTooLarge,
    /// A prepared send was run a second time.
    #[error("a prepared send runs once; prepare again")]
    SentAlready,
    /// The receiver failed.
    #[error("delivery")]
    Delivery {
        /// The receiver's error.
        #[source]
        source: Box<IoError>,
    },
    /// The receiver got other bytes than the file's.
    #[error("delivery: the receiver got {got_bytes} bytes with xxh3 {got_xxh3:#018x}; the file has {file_bytes} bytes with xxh3 {file_xxh3:#018x}")]
    Mismatch {
        /// Bytes received.
        got_bytes: u64,
        /// Their xxh3-64.
        got_xxh3: u64,
        /// Bytes of the file.
        file_bytes: u64,
        /// Its xxh3-64.
        file_xxh3: u64,
    },
    /// A socket of this process still listens on the receiver's port after
    /// the send (the receiver did not close its listener).
    #[error("the receiver still listens on 127.0.0.1:{port} after the send")]
    StillListening {
        /// The port.
        port: u16,
    },
}

crate::into_message!(IoError);

impl IoError {
    /// `IoError::Os` for `step` as a `map_err` closure.
    pub(crate) fn os(step: &'static str) -> impl FnOnce(std::io::Error) -> IoError {
        move |source| IoError::Os { step, source }
    }

    /// `IoError::Os` for `step` with the calling thread's last OS error.
    pub(crate) fn last_os(step: &'static str) -> IoError {
        IoError::Os {
            step,
            source: std::io::Error::last_os_error(),
        }
    }
}

/// What a refused cold state adds when not root.
fn root_note(root: &bool) -> String {
    if *root {
        String::new()
    } else {
        format!(
            "; dropping the page cache needs root: echo 1 > {}",
            super::source::DROP_CACHES
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::chain;

    #[test]
    fn the_chain_prints_the_step_then_the_os_error() {
        let e = IoError::Pin {
            cpu: 3,
            source: std::io::Error::from_raw_os_error(libc::EINVAL),
        };
        assert_eq!(
            chain(&e),
            format!(
                "pinning to CPU 3: sched_setaffinity: {}",
                std::io::Error::from_raw_os_error(libc::EINVAL)
            )
        );
        let e = IoError::Delivery {
            source: Box::new(IoError::ReceiverTimeout {
                bytes: 0,
                expected: 10,
            }),
        };
        assert_eq!(
            chain(&e),
            "delivery: the receiver timed out with 0 of 10 bytes"
        );
        assert_eq!(
            String::from(e),
            "delivery: the receiver timed out with 0 of 10 bytes"
        );
    }

    #[test]
    fn a_refused_cold_state_says_what_root_would_do() {
        let e = IoError::StillResident {
            resident: 2,
            pages: 4,
            steps: "POSIX_FADV_DONTNEED (2 resident)".into(),
            root: false,
        };
        assert_eq!(
            chain(&e),
            "cold: 2 of 4 pages still resident after POSIX_FADV_DONTNEED (2 resident); dropping the page cache needs root: echo 1 > /proc/sys/vm/drop_caches"
        );
        let e = IoError::Connect {
            port: 9,
            source: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        };
        assert_eq!(
            chain(&e),
            "cannot connect to the receiver on 127.0.0.1:9: connection refused"
        );
    }
}
