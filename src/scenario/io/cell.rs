//! An io cell: its axes and id, its preparation (a [`Runnable`] every lens
//! drives), and the io lens.
//!
//! Preparation makes (or reuses) the source file, opens a descriptor on it,
//! sets up the path's resources ([`Sender::new`]), starts the target's
//! receiver ([`Sink::open`]) and, last, brings the file into the cache
//! state asked for and checks it. The region is the sender's loop only.
//! After it the sender's end is closed, the receiver joined, and the
//! delivery checked: every byte, in order (length + xxh3-64 of the file).
//! A send cannot be copied, so [`Runnable::snapshot`] prepares afresh.

use super::copies::{Copies, Counted};
use super::send::{SendCounts, Sender};
use super::sink::{listening_on, Delivery, Sink};
use super::source::{CacheCheck, SourceFile};
use super::usage::Usage;
use super::{size_text, CacheState, IoError, IoPath, Target};
use crate::cell::CellId;
use crate::error::chain;
use crate::machine::Availability;
use crate::region::measured_region;
use crate::scenario::{NoTimer, OpTimer, PerOpTimer, RegionOutcome, Runnable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One io cell: path × target × cache state × file size × chunk size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoCell {
    /// The path.
    pub path: IoPath,
    /// The target.
    pub target: Target,
    /// Page-cache state of the file when the region starts.
    pub cache: CacheState,
    /// File size, bytes.
    pub file_size: u64,
    /// Bytes per request (the user buffer of `read_write` and `io_uring`).
    pub buffer_size: u64,
    /// Loopback port of the TCP receiver (0: one the kernel picks).
    pub port: u16,
    /// The receiver's deadline from the start of a send's preparation, ms.
    pub timeout_ms: u64,
    /// Seed of the file's content.
    pub seed: u64,
}

impl IoCell {
    /// `io/<path>/<cache>/size=<bytes>/buf=<bytes>/<target>`.
    pub fn id(&self) -> CellId {
        CellId::from_segments(&[
            "io".to_string(),
            self.path.name().to_string(),
            self.cache.name().to_string(),
            format!("size={}", size_text(self.file_size)),
            format!("buf={}", size_text(self.buffer_size)),
            self.target.name().to_string(),
        ])
        .expect("io cell segments are validated names")
    }

    /// What the measured region does.
    pub fn region_text(&self) -> &'static str {
        self.path.region_text()
    }
}

/// What one checked send did.
#[derive(Clone, Debug, PartialEq)]
pub struct SendRecord {
    /// Calls and bytes through user space.
    pub counts: SendCounts,
    /// The sender thread's CPU, faults and switches over the region.
    pub usage: Usage,
    /// Wall-clock time of the region.
    pub region: Duration,
    /// What the receiver got (checked against the file).
    pub delivery: Delivery,
    /// The receiver's port (TCP).
    pub port: Option<u16>,
}

/// A prepared send.
pub struct PreparedIo {
    cell: IoCell,
    source: Arc<SourceFile>,
    sender: Sender,
    sink: Option<Sink>,
    /// The cache state checked just before the region.
    pub cache: CacheCheck,
}

impl std::fmt::Debug for PreparedIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedIo")
            .field("cell", &self.cell.id())
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl PreparedIo {
    /// Prepares one send of `cell`; a refusal names its cause.
    pub fn prepare(cell: &IoCell) -> Result<PreparedIo, IoError> {
        let source = SourceFile::shared(cell.file_size, cell.seed)?;
        let sender = Sender::new(
            cell.path,
            source.open()?,
            cell.file_size,
            usize::try_from(cell.buffer_size).map_err(|_| IoError::BufferTooLarge)?,
        )?;
        let sink = Sink::open(
            cell.target,
            cell.file_size,
            cell.port,
            Duration::from_millis(cell.timeout_ms),
        )?;
        let cache = source.set_cache(cell.cache)?;
        Ok(PreparedIo {
            cell: cell.clone(),
            source,
            sender,
            sink: Some(sink),
            cache,
        })
    }

    /// The request size in force.
    pub fn chunk(&self) -> usize {
        self.sender.chunk()
    }

    /// Runs the region, then closes the target and checks the delivery.
    pub fn run_checked<T: OpTimer>(&mut self, timer: &mut T) -> Result<SendRecord, IoError> {
        let sink = self.sink.take().ok_or(IoError::SentAlready)?;
        let fd = sink.fd();
        let port = sink.port();
        let before = Usage::now();
        let start = Instant::now();
        let sent = measured_region(|| self.sender.send(fd, timer));
        let region = start.elapsed();
        let usage = Usage::now().since(&before);
        let delivery = sink.finish();
        let counts = sent?;
        let delivery = delivery.map_err(|e| IoError::Delivery {
            source: Box::new(e),
        })?;
        if delivery.bytes != self.source.len || delivery.checksum != self.source.checksum {
            return Err(IoError::Mismatch {
                got_bytes: delivery.bytes,
                got_xxh3: delivery.checksum,
                file_bytes: self.source.len,
                file_xxh3: self.source.checksum,
            });
        }
        Ok(SendRecord {
            counts,
            usage,
            region,
            delivery,
            port,
        })
    }

    fn run_or_panic<T: OpTimer>(&mut self, timer: &mut T) -> RegionOutcome {
        let id = self.cell.id();
        self.run_checked(timer)
            .unwrap_or_else(|e| panic!("{id}: {}", chain(&e)));
        RegionOutcome { ops: 1 }
    }
}

/// Every lens but the io lens sees a send as one operation; a failed send
/// panics with its reason (the cell's process then fails, and the run
/// records that reason for each of its lenses).
impl Runnable for PreparedIo {
    fn run(&mut self) -> RegionOutcome {
        self.run_or_panic(&mut NoTimer)
    }
    fn run_timed(&mut self, timer: &mut PerOpTimer) -> RegionOutcome {
        self.run_or_panic(timer)
    }
    fn units(&self) -> u64 {
        1
    }
    fn units_name(&self) -> &'static str {
        "sends"
    }
    fn snapshot(&self) -> Box<dyn Runnable> {
        Box::new(
            PreparedIo::prepare(&self.cell)
                .unwrap_or_else(|e| panic!("{}: {}", self.cell.id(), chain(&e))),
        )
    }
}

/// The sender thread's resource use per send (means over the io lens's sends).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UsagePerSend {
    /// User-mode CPU, ns.
    pub user_ns: f64,
    /// Kernel-mode CPU, ns.
    pub system_ns: f64,
    /// `system / (user + system)` (`null` when no CPU time was charged).
    pub system_share: Option<f64>,
    /// Minor page faults.
    pub minor_faults: f64,
    /// Major page faults.
    pub major_faults: f64,
    /// Voluntary context switches.
    pub voluntary_switches: f64,
    /// Involuntary context switches.
    pub involuntary_switches: f64,
    /// Where the figures come from.
    pub source: String,
}

/// The io lens's figures for one cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoFigures {
    /// Path name.
    pub path: String,
    /// Target name.
    pub target: String,
    /// File size, bytes.
    pub file_bytes: u64,
    /// Bytes per request asked for (`buffer_size`).
    pub chunk_asked: u64,
    /// Bytes per request in force (the splice pipe's capacity may cap it).
    pub chunk_bytes: u64,
    /// The cache state checked before the first send.
    pub cache: CacheCheck,
    /// Bytes the receiver got in each send (all checked).
    pub delivered_bytes: u64,
    /// How delivery was checked, and what it found.
    pub verification: String,
    /// Sends made by this lens (each prepared afresh and checked).
    pub sends: u64,
    /// Mean region time per send, ns.
    pub region_ns_per_send: f64,
    /// Bytes delivered per second of region time over those sends, in GB/s (10^9 B/s).
    pub gb_per_s: f64,
    /// System calls of one send, by name (counted by the harness).
    pub syscalls: BTreeMap<String, u64>,
    /// Their sum.
    pub syscalls_total: u64,
    /// Requests of one send (latency lens operations).
    pub requests: u64,
    /// Copies per byte delivered, measured vs derived.
    pub copies: Copies,
    /// CPU, faults and switches of the sender thread per send.
    pub usage: UsagePerSend,
    /// The receiver, and the check that nothing listens after the cell.
    pub receiver: String,
    /// Kernel frames in the flame graph: available or why not.
    pub kernel_frames: Availability,
}

/// Whether the flame graph can show kernel frames here, and why not.
pub fn kernel_frames() -> Availability {
    let detail = match crate::machine::perf_event_paranoid() {
        Some(p) if p > 1 => format!(
            "perf_event_paranoid is {p}; kernel stacks need 1 or less. The flame graph shows user-space frames: a sample taken while the kernel works for the region lands on the system call's wrapper (mapamp::scenario::io::sys::read, ::write, ::sendfile, ...)"
        ),
        Some(p) => format!(
            "perf_event_paranoid is {p}, which would allow kernel stacks, but the flame graph lens samples user space only (pprof); kernel frames need `perf record -g` on `mapamp cell-run --region-only`"
        ),
        None => "perf_event_paranoid is not readable; the flame graph lens samples user space only".into(),
    };
    Availability {
        available: false,
        detail,
    }
}

/// The io lens: sends the file afresh until `min_region` of region time has
/// passed (at least once, at most `max_sends`), checking every delivery and
/// that nothing listens after each; CPU and fault figures are means over
/// those sends, call and copy counts are the first send's.
pub fn measure(cell: &IoCell, min_region: Duration, max_sends: u64) -> Result<IoFigures, IoError> {
    let mut first: Option<(SendRecord, CacheCheck, usize)> = None;
    let (mut usage, mut region, mut sends) = (Usage::default(), Duration::ZERO, 0u64);
    loop {
        let mut p = PreparedIo::prepare(cell)?;
        let rec = p.run_checked(&mut NoTimer)?;
        if let Some(port) = rec.port {
            if listening_on(port)? {
                return Err(IoError::StillListening { port });
            }
        }
        usage = usage.plus(&rec.usage);
        region += rec.region;
        sends += 1;
        if first.is_none() {
            first = Some((rec, p.cache.clone(), p.chunk()));
        }
        if region >= min_region || sends >= max_sends.max(1) {
            break;
        }
    }
    let (rec, cache, chunk) = first.expect("at least one send");
    let n = sends as f64;
    let cpu = usage.user_ns + usage.system_ns;
    let copies = Copies::account(
        cell.path,
        cell.target,
        Counted {
            delivered: rec.delivery.bytes,
            into_user: rec.counts.into_user,
            from_user: rec.counts.from_user,
            received_into_user: rec.delivery.bytes,
        },
    );
    Ok(IoFigures {
        path: cell.path.name().into(),
        target: cell.target.name().into(),
        file_bytes: cell.file_size,
        chunk_asked: cell.buffer_size,
        chunk_bytes: chunk as u64,
        cache,
        delivered_bytes: rec.delivery.bytes,
        verification: format!(
            "every send: the receiver got all {} bytes, xxh3-64 {:#018x} equal to the file's",
            rec.delivery.bytes, rec.delivery.checksum
        ),
        sends,
        region_ns_per_send: region.as_nanos() as f64 / n,
        gb_per_s: (cell.file_size as f64 * n) / region.as_nanos().max(1) as f64,
        syscalls: rec
            .counts
            .syscalls
            .nonzero()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        syscalls_total: rec.counts.syscalls.total(),
        requests: rec.counts.requests,
        copies,
        usage: UsagePerSend {
            user_ns: usage.user_ns as f64 / n,
            system_ns: usage.system_ns as f64 / n,
            system_share: (cpu > 0).then(|| usage.system_ns as f64 / cpu as f64),
            minor_faults: usage.minor_faults as f64 / n,
            major_faults: usage.major_faults as f64 / n,
            voluntary_switches: usage.voluntary_switches as f64 / n,
            involuntary_switches: usage.involuntary_switches as f64 / n,
            source: format!(
                "getrusage(RUSAGE_THREAD) of the sender thread around the region, summed over {sends} sends (the user/system split is sampled at the kernel's tick)"
            ),
        },
        receiver: match cell.target {
            Target::Tcp => format!(
                "TCP on 127.0.0.1 (port {}), only the sender's connection accepted, listener closed on accept; after each send no socket of the cell's process listens on the port",
                if cell.port == 0 { "chosen by the kernel".to_string() } else { cell.port.to_string() }
            ),
            Target::Pipe => "a pipe drained by a receiver thread".into(),
        },
        kernel_frames: kernel_frames(),
    })
}
