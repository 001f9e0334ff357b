//! The io family: every path delivers every byte intact (length + xxh3-64
//! of the file) to both targets, from a warm and a cold page cache; the
//! figures say what each path copies; nothing listens after a cell; a
//! refused path fails with its reason.

use mapamp::error::chain;
use mapamp::scenario::io::cell::measure;
use mapamp::scenario::io::sink::listening_on;
use mapamp::scenario::io::source::SourceFile;
use mapamp::scenario::io::{CacheState, IoCell, IoPath, PreparedIo, Target};
use mapamp::scenario::{NoTimer, PerOpTimer, Runnable};
use std::time::Duration;

fn cell(path: IoPath, target: Target, cache: CacheState, size: u64, buf: u64) -> IoCell {
    IoCell {
        path,
        target,
        cache,
        file_size: size,
        buffer_size: buf,
        port: 0,
        timeout_ms: 30_000,
        seed: 5,
    }
}

/// Whether the kernel (or a sandbox) refuses io_uring here; the reason when it does.
fn io_uring_refused() -> Option<String> {
    match io_uring::IoUring::new(2) {
        Ok(_) => None,
        Err(e) => Some(format!("io_uring_setup: {e}")),
    }
}

#[test]
fn every_path_delivers_every_byte_to_both_targets() {
    // Odd sizes and a chunk that does not divide them: short last chunks.
    let size = (1 << 20) + 12_345;
    let expected = SourceFile::expected_checksum(size, 5);
    let refused = io_uring_refused();
    let mut checked = 0;
    for path in IoPath::ALL {
        for target in Target::ALL {
            for cache in CacheState::ALL {
                let c = cell(path, target, cache, size, 100_000);
                match (path, &refused, PreparedIo::prepare(&c)) {
                    (IoPath::IoUring, Some(why), Err(e)) => {
                        eprintln!(
                            "SKIPPED {}: io_uring refused here ({why}): {}",
                            c.id(),
                            chain(&e)
                        );
                        continue;
                    }
                    (_, _, Err(e)) => panic!("{}: {}", c.id(), chain(&e)),
                    (_, _, Ok(mut p)) => {
                        let want_resident = match cache {
                            CacheState::Warm => p.cache.file_pages,
                            CacheState::Cold => 0,
                        };
                        assert_eq!(p.cache.resident_pages, want_resident, "{}", c.id());
                        // How the state was reached, with the pages resident
                        // after each step (the cold state's evidence).
                        eprintln!("{}: {}", c.id(), p.cache.method);
                        let rec = p
                            .run_checked(&mut NoTimer)
                            .unwrap_or_else(|e| panic!("{}: {}", c.id(), chain(&e)));
                        assert_eq!(rec.delivery.bytes, size, "{}", c.id());
                        assert_eq!(rec.delivery.checksum, expected, "{}", c.id());
                        assert_eq!(rec.counts.sent, size, "{}", c.id());
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(
        checked >= 16,
        "only {checked} path/target/cache combinations ran"
    );
}

#[test]
fn the_io_lens_counts_what_each_path_copies_and_calls() {
    let size = 1 << 20;
    let refused = io_uring_refused();
    for path in IoPath::ALL {
        if path == IoPath::IoUring && refused.is_some() {
            eprintln!("SKIPPED io_uring: {}", refused.as_deref().unwrap());
            continue;
        }
        let c = cell(path, Target::Tcp, CacheState::Warm, size, 64 << 10);
        let f = measure(&c, Duration::from_millis(1), 3)
            .unwrap_or_else(|e| panic!("{}: {}", c.id(), chain(&e)));
        assert_eq!(f.delivered_bytes, size);
        assert!(f.verification.contains("xxh3-64"), "{}", f.verification);
        let user = f.copies.sender_user_space_per_byte;
        let chunks = size / (64 << 10);
        match path {
            IoPath::ReadWrite => {
                assert_eq!(user, 2.0);
                assert_eq!(f.syscalls["read"], chunks);
                assert!(f.syscalls["write"] >= chunks);
            }
            IoPath::MmapWrite => {
                assert_eq!(user, 1.0);
                assert_eq!((f.syscalls["mmap"], f.syscalls["munmap"]), (1, 1));
                assert!(!f.syscalls.contains_key("read"));
            }
            IoPath::Sendfile => {
                assert_eq!(user, 0.0);
                assert!(f.syscalls["sendfile"] >= chunks);
                assert_eq!(f.syscalls.len(), 1, "{:?}", f.syscalls);
            }
            IoPath::Splice => {
                assert_eq!(user, 0.0);
                assert!(f.syscalls["splice"] >= 2 * chunks);
                assert_eq!(f.syscalls.len(), 1, "{:?}", f.syscalls);
            }
            IoPath::IoUring => {
                assert_eq!(user, 2.0);
                // Four chunks per enter.
                assert_eq!(f.syscalls["io_uring_enter"], chunks / 4);
            }
        }
        // Measured steps: the sender's two, the receiver's one.
        assert_eq!(f.copies.measured_per_byte, user + 1.0, "{path:?}");
        assert_eq!(f.copies.derived_per_byte, 0.0);
        assert!(f.copies.steps.iter().all(|s| !s.source.is_empty()));
        assert!(f.gb_per_s > 0.0 && f.region_ns_per_send > 0.0);
        assert!(
            !f.kernel_frames.available || f.kernel_frames.detail.contains("perf_event_paranoid")
        );
    }
}

#[test]
fn nothing_listens_after_a_cell_and_a_busy_port_is_a_reason() {
    let c = cell(
        IoPath::Sendfile,
        Target::Tcp,
        CacheState::Warm,
        64 << 10,
        64 << 10,
    );
    let mut p = PreparedIo::prepare(&c).unwrap();
    let rec = p.run_checked(&mut NoTimer).unwrap();
    let port = rec.port.unwrap();
    assert!(
        !listening_on(port).unwrap(),
        "127.0.0.1:{port} still listens"
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let c = IoCell { port, ..c };
    let e = chain(&PreparedIo::prepare(&c).unwrap_err());
    assert!(
        e.contains(&format!("127.0.0.1:{port}")) && e.contains("in use"),
        "{e}"
    );
    let e = chain(&measure(&c, Duration::from_millis(1), 1).unwrap_err());
    assert!(e.contains("in use"), "{e}");
    drop(busy);
    assert!(!listening_on(port).unwrap());
}

#[test]
fn a_send_runs_once_and_snapshots_prepare_afresh() {
    let c = cell(
        IoPath::ReadWrite,
        Target::Pipe,
        CacheState::Warm,
        200_000,
        4096,
    );
    let mut p = PreparedIo::prepare(&c).unwrap();
    let mut timer = PerOpTimer::default();
    assert_eq!(p.run_timed(&mut timer).ops, 1);
    // One timed operation per request (49 chunks of 4 KiB).
    assert_eq!(timer.ns.len(), 49);
    let e = chain(&p.run_checked(&mut NoTimer).unwrap_err());
    assert!(e.contains("runs once"), "{e}");
    let mut again = p.snapshot();
    assert_eq!(again.run().ops, 1);
    assert_eq!((again.units(), again.units_name()), (1, "sends"));
    assert!(again.accounting().is_none());
}
