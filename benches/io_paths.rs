//! The io cells of a profile in criterion: one benchmark group per I/O path
//! (`io/read_write`, `io/sendfile`, ...), benchmark ids = the rest of the
//! cell id (`warm/size=1MiB/buf=64KiB/tcp`).
//!
//! Matrix: the profile's `[io]` table (`MAPAMP_PROFILE`, a name or a path;
//! default `quick`): path × target × cache state × file size × buffer size.
//! Each iteration prepares a send afresh (file descriptor, receiver,
//! connection, cache state: setup, not timed) and times the sender's loop;
//! the receiver checks every byte after the region, and a failed delivery
//! stops the bench with the reason. Throughput is in bytes of the file.
//!
//! ```text
//! cargo bench --bench io_paths                                   # quick's io cells
//! MAPAMP_PROFILE=smoke cargo bench --bench io_paths -- --test    # each cell once
//! MAPAMP_PROFILE=default cargo bench --bench io_paths -- 'io/sendfile'
//! ```
//!
//! A path refused here (no `io_uring` in this kernel or sandbox) is left
//! out with the reason on stderr.

mod common;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use mapamp::error::chain;
use mapamp::scenario::io::{IoCell, IoPath, PreparedIo};
use mapamp::scenario::{CellSpec, NoTimer};
use std::time::Duration;

fn io_cells(p: &mapamp::profile::Profile) -> Vec<IoCell> {
    p.cells()
        .cells
        .into_iter()
        .filter_map(|c| match c {
            CellSpec::Io(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn main() {
    let p = common::profile();
    let cells = io_cells(&p);
    if cells.is_empty() {
        eprintln!(
            "mapamp bench: profile {} has no [io] table; nothing to run",
            p.name
        );
    }
    let mut c = Criterion::default().configure_from_args();
    for path in IoPath::ALL {
        let mine: Vec<&IoCell> = cells.iter().filter(|c| c.path == path).collect();
        if mine.is_empty() {
            continue;
        }
        let mut g = c.benchmark_group(format!("io/{}", path.name()));
        g.sample_size(p.budget.criterion_samples);
        g.measurement_time(Duration::from_millis(p.budget.criterion_ms));
        g.warm_up_time(Duration::from_millis(p.budget.warmup_ms.max(10)));
        for cell in mine {
            let id = cell.id();
            if let Err(why) = PreparedIo::prepare(cell) {
                eprintln!("mapamp bench: {id}: left out: {}", chain(&why));
                continue;
            }
            g.throughput(Throughput::Bytes(cell.file_size));
            let rest = id
                .as_str()
                .splitn(3, '/')
                .nth(2)
                .unwrap_or(id.as_str())
                .to_string();
            g.bench_function(BenchmarkId::from_parameter(rest), |b| {
                b.iter_batched(
                    || PreparedIo::prepare(cell).unwrap_or_else(|e| panic!("{id}: {}", chain(&e))),
                    |mut send| {
                        send.run_checked(&mut NoTimer)
                            .unwrap_or_else(|e| panic!("{id}: {}", chain(&e)))
                    },
                    BatchSize::PerIteration,
                )
            });
        }
        g.finish();
    }
    c.final_summary();
}
