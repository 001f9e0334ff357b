//! The callgrind lens on a known workload: this test binary runs itself under
//! callgrind, one `child_*` test at a time, and checks that only the
//! measured region is counted. Without valgrind, the lens must say why.

use mapamp::lens::callgrind::{run_callgrind, valgrind_availability};
use mapamp::lens::error::LensError;
use mapamp::region::measured_region;
use std::ffi::OsString;
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// A loop callgrind counts exactly: a few instructions per iteration.
#[inline(never)]
fn spin(iterations: u64) -> u64 {
    let mut acc = 0u64;
    for i in 0..iterations {
        acc = acc.wrapping_mul(31).wrapping_add(black_box(i));
    }
    acc
}

/// `setup` iterations outside the region, then `region` inside it.
fn workload(region: u64, setup: u64) {
    black_box(spin(setup));
    black_box(measured_region(|| spin(region)));
}

// The children: cheap on their own, the subjects of the callgrind runs.
#[test]
fn child_region_1000_setup_0() {
    workload(1_000, 0);
}

#[test]
fn child_region_100000_setup_0() {
    workload(100_000, 0);
}

#[test]
fn child_region_100000_setup_1000000() {
    workload(100_000, 1_000_000);
}

fn scratch(test: &str) -> PathBuf {
    crate::common::scratch(&format!("lens-callgrind-{test}"))
}

/// Runs one child test of this binary under callgrind; returns Ir.
fn ir_of(
    child: &str,
    ops: u64,
    root: &Path,
) -> Result<mapamp::report::schema::CallgrindFigures, LensError> {
    let exe = std::env::current_exe().unwrap();
    // This module's tests are named `<module>::<test>` in the test binary.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let cmd: Vec<OsString> = vec![
        exe.into(),
        "--exact".into(),
        format!("{module}::{child}").into(),
        "--test-threads=1".into(),
        "-q".into(),
    ];
    run_callgrind(
        &cmd,
        &root.join(format!("cells/{child}/callgrind.out")),
        ops,
        root,
    )
}

#[test]
fn callgrind_counts_the_region_only() {
    let availability = valgrind_availability();
    let root = scratch("region");
    if !availability.available {
        assert!(availability.detail.contains("valgrind"), "{availability:?}");
        let err = ir_of("child_region_1000_setup_0", 1_000, &root)
            .unwrap_err()
            .to_string();
        assert!(err.contains("valgrind"), "{err}");
        return;
    }
    assert!(
        availability.detail.starts_with("valgrind-"),
        "{availability:?}"
    );

    let small = ir_of("child_region_1000_setup_0", 1_000, &root).unwrap();
    let large = ir_of("child_region_100000_setup_0", 100_000, &root).unwrap();
    let with_setup = ir_of("child_region_100000_setup_1000000", 100_000, &root).unwrap();
    eprintln!(
        "Ir: N=1000 -> {}, N=100000 -> {}, N=100000 after 10^6 setup iterations -> {}",
        small.ir, large.ir, with_setup.ir
    );

    // Linear in N: the per-iteration cost is the same at both sizes, and
    // the fixed part (entering and leaving the region) is small.
    let per_iter = (large.ir - small.ir) as f64 / 99_000.0;
    assert!(
        (2.0..20.0).contains(&per_iter),
        "{per_iter} Ir per iteration"
    );
    let fixed = small.ir as f64 - 1_000.0 * per_iter;
    assert!(fixed.abs() < 200.0, "fixed part {fixed} Ir");
    // A million setup iterations before the region are not counted
    // (they would add about per_iter · 10^6).
    let diff = with_setup.ir.abs_diff(large.ir);
    assert!(diff < 100, "setup leaked {diff} Ir into the region");

    assert_eq!(large.cache_misses.source, "callgrind-sim");
    assert_eq!(
        large.cache_misses.value,
        (large.ll_read_misses + large.ll_write_misses) as f64
    );
    assert!((large.ir_per_op - large.ir as f64 / 100_000.0).abs() < 1e-9);
    assert_eq!(
        large.out_file,
        "cells/child_region_100000_setup_0/callgrind.out"
    );
    assert!(root.join(&large.out_file).is_file());
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_command_that_never_enters_the_region_is_an_error() {
    if !valgrind_availability().available {
        return;
    }
    let root = scratch("never");
    let cmd: Vec<OsString> = vec!["true".into()];
    let err = run_callgrind(&cmd, &root.join("cg.out"), 1, &root)
        .unwrap_err()
        .to_string();
    assert!(err.contains("never entered"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}
