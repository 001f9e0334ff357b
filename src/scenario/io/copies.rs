//! Copies per byte delivered, in the report's terms: each step a byte takes
//! from the page cache to the receiver's buffer, with how many times the
//! CPU copies it there, split into what is **measured** here and what is
//! **derived** from the path's documented kernel behaviour (source named).
//!
//! | step | read_write, io_uring | mmap_write | sendfile, splice | basis |
//! |---|---|---|---|---|
//! | page cache → user buffer | 1 | 0 (the mapping *is* the page cache) | 0 | measured: `read` results |
//! | user memory → socket/pipe buffer | 1 | 1 | 0 | measured: `write` results |
//! | page cache → socket/pipe buffer in the kernel | 0 | 0 | 0 (page references) | derived |
//! | socket buffer → device | 0 on loopback | 0 | 0 | derived |
//! | socket/pipe buffer → receiver's buffer | 1 | 1 | 1 | measured: the receiver's reads |
//!
//! The first two rows are what user space can see (the article's "copies
//! through user space"); a kernel-internal copy or its absence cannot be
//! seen from user space without kernel profiling, hence `derived`.

use super::{IoPath, Target};
use serde::{Deserialize, Serialize};

/// How a figure was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Counted by the harness in this run.
    Measured,
    /// Inferred from the documented kernel behaviour named in `source`.
    Derived,
}

/// One step of a byte's way and its copies per byte delivered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CopyStep {
    /// The step, in words.
    pub step: String,
    /// CPU copies per byte delivered on this step.
    pub per_byte: f64,
    /// Measured or derived.
    pub basis: Basis,
    /// What was counted, or the documentation the figure follows from.
    pub source: String,
}

/// Copies per byte delivered, step by step and summed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Copies {
    /// The steps, page cache first.
    pub steps: Vec<CopyStep>,
    /// The sender's copies through user-space memory per byte delivered
    /// (measured; the article's "copies" that user space can see).
    pub sender_user_space_per_byte: f64,
    /// Sum of the measured steps.
    pub measured_per_byte: f64,
    /// Sum of the derived steps.
    pub derived_per_byte: f64,
    /// All steps.
    pub total_per_byte: f64,
}

/// Byte counts behind the measured steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counted {
    /// Bytes the receiver got.
    pub delivered: u64,
    /// Bytes the kernel copied into the sender's user buffers.
    pub into_user: u64,
    /// Bytes the kernel copied from the sender's user-space addresses.
    pub from_user: u64,
    /// Bytes the receiver copied into its buffer.
    pub received_into_user: u64,
}

const SPLICE_DOC: &str = "splice(2): data moves \"without copying between kernel address space and user address space\"; Linux fs/splice.c: filemap_splice_read() puts references to page-cache pages into the pipe, and splice_to_socket() hands them to the socket with MSG_SPLICE_PAGES (Linux >= 6.5), which attaches them to the skb without copying on a device with scatter-gather (loopback has it)";
const SENDFILE_DOC: &str = "sendfile(2) is splice(2) through an internal pipe (Linux fs/read_write.c do_sendfile() → fs/splice.c splice_direct_to_actor()): the same page references as splice";
const LOOPBACK_DOC: &str = "Linux drivers/net/loopback.c loopback_xmit() hands the sent skb to the receive path (__netif_rx) as it is: no copy and no DMA; with a NIC this step is the device's DMA, which no CPU copy counts";
const NO_DEVICE_DOC: &str =
    "a pipe has no device: the receiver reads straight from the pipe's buffer";

impl Copies {
    /// The copy account of one send along `path` to `target`.
    pub fn account(path: IoPath, target: Target, n: Counted) -> Copies {
        let per = |b: u64| {
            if n.delivered == 0 {
                0.0
            } else {
                b as f64 / n.delivered as f64
            }
        };
        let kernel_internal = match path {
            IoPath::Sendfile => (0.0, SENDFILE_DOC),
            IoPath::Splice => (0.0, SPLICE_DOC),
            IoPath::ReadWrite | IoPath::MmapWrite | IoPath::IoUring => (
                0.0,
                "the data leaves the page cache only through user-space memory on this path (the two rows above); the kernel moves nothing else",
            ),
        };
        let device = match target {
            Target::Tcp => LOOPBACK_DOC,
            Target::Pipe => NO_DEVICE_DOC,
        };
        let steps = vec![
            CopyStep {
                step: "page cache → sender's user buffer".into(),
                per_byte: per(n.into_user),
                basis: Basis::Measured,
                source: "bytes returned by the sender's read calls (io_uring: READ completions)".into(),
            },
            CopyStep {
                step: format!("sender's user memory → {} buffer", target.buffer_name()),
                per_byte: per(n.from_user),
                basis: Basis::Measured,
                source: "bytes returned by the sender's write calls from a user-space address (a buffer or a file mapping)".into(),
            },
            CopyStep {
                step: format!("page cache → {} buffer inside the kernel", target.buffer_name()),
                per_byte: kernel_internal.0,
                basis: Basis::Derived,
                source: kernel_internal.1.into(),
            },
            CopyStep {
                step: format!("{} buffer → device", target.buffer_name()),
                per_byte: 0.0,
                basis: Basis::Derived,
                source: device.into(),
            },
            CopyStep {
                step: format!("{} buffer → receiver's buffer", target.buffer_name()),
                per_byte: per(n.received_into_user),
                basis: Basis::Measured,
                source: "bytes returned by the receiver's read calls".into(),
            },
        ];
        let sum = |b: Basis| {
            steps
                .iter()
                .filter(|s| s.basis == b)
                .map(|s| s.per_byte)
                .sum::<f64>()
        };
        let (measured, derived) = (sum(Basis::Measured), sum(Basis::Derived));
        Copies {
            sender_user_space_per_byte: per(n.into_user + n.from_user),
            measured_per_byte: measured,
            derived_per_byte: derived,
            total_per_byte: measured + derived,
            steps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_add_up_and_keep_their_basis() {
        let n = Counted {
            delivered: 1000,
            into_user: 1000,
            from_user: 1000,
            received_into_user: 1000,
        };
        let c = Copies::account(IoPath::ReadWrite, Target::Tcp, n);
        assert_eq!(c.sender_user_space_per_byte, 2.0);
        assert_eq!(c.measured_per_byte, 3.0);
        assert_eq!(c.derived_per_byte, 0.0);
        assert_eq!(c.total_per_byte, 3.0);
        assert_eq!(c.steps.len(), 5);
        assert!(c.steps[3].source.contains("loopback_xmit"));
        let s = Copies::account(
            IoPath::Splice,
            Target::Pipe,
            Counted {
                into_user: 0,
                from_user: 0,
                ..n
            },
        );
        assert_eq!(s.sender_user_space_per_byte, 0.0);
        assert!(s.steps[2].source.contains("splice(2)"));
        assert!(s.steps[3].source.contains("pipe has no device"));
        let none = Copies::account(IoPath::Splice, Target::Pipe, Counted { delivered: 0, ..n });
        assert_eq!(none.total_per_byte, 0.0);
    }
}
