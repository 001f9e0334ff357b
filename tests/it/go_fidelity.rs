//! Heap bytes and objects of the real Go 1.19 runtime against the model's
//! allocation accounting: N = 10^3 … 10^6 random u64 inserts into a map
//! made without a hint and with a hint of N.
//!
//! Which keys share a bucket depends on the map's random hash seed, so
//! how many overflow buckets a map allocates varies from map to map, in Go
//! and in the model alike. Each side is measured over several maps (Go:
//! timed regions, each a fresh map with a fresh seed; the model: seeds
//! 1..=5), and the model agrees when its range of figures overlaps the
//! runtime's and its mean is within the runtime's seed-to-seed range of the
//! runtime's mean.

use mapamp::accounting::Counting;
use mapamp::golang::toolchain::{self, GoRelease};
use mapamp::gomap::{GoHeap, GoMap, Knobs};
use mapamp::gotype::Shape;
use mapamp::hash::SeededHash;
use mapamp::profile::{self, LensKind};
use mapamp::scenario::{CellSpec, MapCell};
use mapamp::workload::{self, KeyDist};

fn go_cell(n: usize, hinted: bool) -> MapCell {
    let text = format!(
        "[axes]\nscenario = [\"insert\"]\nvariant = [\"go1.19\"]\nn = [{n}]\nkeys = [\"random\"]\nkey_size = [8]\nvalue_size = [8]\n[configs.c]\n{}",
        if hinted { "hint = \"n\"\n" } else { "" }
    );
    let p = profile::parse("t.toml", "t", &text).unwrap();
    match p.cells().cells.remove(0) {
        CellSpec::Map(m) => m,
        other => panic!("{other:?}"),
    }
}

/// The model's (bytes, objects) for n inserts with `hint`, per seed.
fn model(n: usize, hint: usize) -> Vec<(f64, f64)> {
    (1..=5u64)
        .map(|seed| {
            let u64_shape = Shape::scalar(8);
            let mut m: GoMap<SeededHash, Counting, GoHeap> = GoMap::with_config(
                u64_shape,
                u64_shape,
                Knobs::default(),
                hint,
                seed,
                SeededHash,
            );
            let before = m.probe().0.clone();
            workload::insert(&mut m, n, KeyDist::Random, 1);
            let a = m.probe().0.since(&before);
            (a.model_allocated_bytes as f64, a.model_allocations as f64)
        })
        .collect()
}

fn stats(v: &[f64]) -> (f64, f64, f64) {
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (mean, lo, hi)
}

#[test]
fn model_allocations_agree_with_go_1_19_within_its_seed_spread() {
    if let Err(e) = toolchain::find(GoRelease::Go119) {
        eprintln!("SKIPPED model vs Go 1.19 heap figures: {e}");
        return;
    }
    let dir = crate::common::scratch("go-fidelity");
    let mut failures = Vec::new();
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        for hinted in [false, true] {
            let samples = if n >= 1_000_000 { 5 } else { 9 };
            let budget = profile::Budget {
                time_samples: samples,
                time_ms: 600_000,
                warmup_ms: 0,
                ..profile::Budget::default()
            };
            let cell = go_cell(n, hinted);
            let g = mapamp::golang::figures::run_cell(&cell, &[LensKind::Time], &budget, &dir);
            let rt = g
                .go_runtime
                .ok()
                .unwrap_or_else(|| panic!("n={n}: {:?}", g.go_runtime));
            let m = model(n, if hinted { n } else { 0 });
            for (what, real, modelled) in [
                (
                    "bytes",
                    &rt.heap_bytes.values,
                    m.iter().map(|x| x.0).collect::<Vec<_>>(),
                ),
                (
                    "objects",
                    &rt.heap_objects.values,
                    m.iter().map(|x| x.1).collect::<Vec<_>>(),
                ),
            ] {
                let (rm, rlo, rhi) = stats(real);
                let (mm, mlo, mhi) = stats(&modelled);
                let overlap = mlo <= rhi && rlo <= mhi;
                let close = (mm - rm).abs() <= (rhi - rlo).max(mhi - mlo);
                let line = format!(
                    "n={n} hint={} {what}: Go 1.19 mean {rm:.1} ({rlo}..{rhi}, {} maps), model mean {mm:.1} ({mlo}..{mhi}, 5 seeds)",
                    if hinted { "n" } else { "none" },
                    real.len()
                );
                eprintln!("{line}");
                if !(overlap && close) {
                    failures.push(line);
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "outside the runtime's seed spread:\n{}",
        failures.join("\n")
    );
}
