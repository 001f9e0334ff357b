//! Why a cold io cell could not evict its file after a zero-copy send: the
//! measurement behind `mapamp::io::softnet`.
//!
//! ```text
//! cargo run --release --example io_cold_eviction [REPS]
//! ```
//!
//! For each path × target × placement (receiver thread on the sender's CPU,
//! or on another one), REPS times: warm the file, send it, let the receiver
//! read every byte and close both ends (the sender's socket's unsent +
//! unacknowledged bytes, `SIOCOUTQ`, are read just before), then count the
//! file's resident pages (`mincore`) after each of:
//!
//! 1. `posix_fadvise(DONTNEED)` at once;
//! 2. a 200 ms sleep, then `DONTNEED` again (time alone);
//! 3. the network receive softirq run on every CPU
//!    ([`mapamp::io::softnet::flush_deferred_frees`]), then `DONTNEED`.
//!
//! Printed: the largest counts over the repetitions. Needs two CPUs or more
//! for the `split` placement.

use mapamp::io::send::Sender;
use mapamp::io::sink::Sink;
use mapamp::io::softnet::{allowed_cpus, flush_deferred_frees, pin_to, restore};
use mapamp::io::source::SourceFile;
use mapamp::io::{CacheState, IoPath, Target};
use mapamp::scenario::NoTimer;
use std::time::Duration;

const SIZE: u64 = 4 << 20;
const CHUNK: usize = 64 << 10;

/// Resident pages after one DONTNEED.
fn evict(src: &SourceFile) -> u64 {
    src.advise_dontneed().unwrap();
    src.resident_pages().unwrap()
}

/// Unsent + unacknowledged bytes in the socket's send queue (TCP).
fn outq(fd: i32) -> i64 {
    let mut n: libc::c_int = 0;
    // SAFETY: TIOCOUTQ (= SIOCOUTQ) writes one int.
    let r = unsafe { libc::ioctl(fd, libc::TIOCOUTQ, &mut n) };
    assert_eq!(r, 0, "SIOCOUTQ: {}", std::io::Error::last_os_error());
    n as i64
}

/// One send; returns (SIOCOUTQ before closing, resident after each step).
fn once(src: &SourceFile, path: IoPath, target: Target, split: bool, cpus: &[usize]) -> [i64; 4] {
    src.set_cache(CacheState::Warm).unwrap();
    // The receiver thread inherits the mask its creator has when it starts.
    let mask = pin_to(cpus[0]).unwrap();
    let sink = Sink::open(target, SIZE, 0, Duration::from_secs(30)).unwrap();
    if split {
        pin_to(cpus[1]).unwrap();
    }
    let mut sender = Sender::new(path, src.open().unwrap(), SIZE, CHUNK).unwrap();
    sender.send(sink.fd(), &mut NoTimer).unwrap();
    // Give the receiver time to read everything, so the queue can drain.
    std::thread::sleep(Duration::from_millis(50));
    let queued = match target {
        Target::Tcp => outq(sink.fd()),
        Target::Pipe => -1,
    };
    let d = sink.finish().unwrap();
    assert_eq!((d.bytes, d.checksum), (src.len, src.checksum));
    restore(&mask).unwrap();
    let at_once = evict(src);
    std::thread::sleep(Duration::from_millis(200));
    let after_sleep = evict(src);
    flush_deferred_frees().unwrap();
    let after_flush = evict(src);
    [
        queued,
        at_once as i64,
        after_sleep as i64,
        after_flush as i64,
    ]
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("REPS is a number"))
        .unwrap_or(5);
    let cpus = allowed_cpus().unwrap();
    let src = SourceFile::create(SIZE, 11).unwrap();
    let pages = SIZE / mapamp::io::source::page_size();
    println!(
        "kernel {}; {} CPUs allowed; file {SIZE} bytes = {pages} pages; chunk {CHUNK}; net.core.skb_defer_max = {}; {reps} repetitions, largest values shown",
        std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim(),
        cpus.len(),
        std::fs::read_to_string("/proc/sys/net/core/skb_defer_max")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|e| format!("unreadable ({e})")),
    );
    println!(
        "{:<11} {:<5} {:<6} {:>9} {:>9} {:>12} {:>12}",
        "path", "target", "cpus", "SIOCOUTQ", "at once", "after sleep", "after flush"
    );
    let placements: &[bool] = if cpus.len() >= 2 {
        &[false, true]
    } else {
        &[false]
    };
    for path in [
        IoPath::Sendfile,
        IoPath::Splice,
        IoPath::ReadWrite,
        IoPath::MmapWrite,
    ] {
        for target in Target::ALL {
            for &split in placements {
                let mut worst = [i64::MIN; 4];
                for _ in 0..reps {
                    let r = once(&src, path, target, split, &cpus);
                    for (w, v) in worst.iter_mut().zip(r) {
                        *w = (*w).max(v);
                    }
                }
                let q = if worst[0] < 0 {
                    "-".to_string()
                } else {
                    worst[0].to_string()
                };
                println!(
                    "{:<11} {:<5} {:<6} {:>9} {:>9} {:>12} {:>12}",
                    path.name(),
                    target.name(),
                    if split { "split" } else { "same" },
                    q,
                    worst[1],
                    worst[2],
                    worst[3]
                );
            }
        }
    }
}
