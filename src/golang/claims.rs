//! Claims settled on the real Go runtime: presizing in Go 1.19 against the
//! model's prediction, the article's GOGC × presize matrix, the classic map
//! (Go 1.19) against the Swiss map (Go 1.26), and the article's
//! `GOMAPINIT`. Each runs the Go harness on `insert` cells; a release whose
//! toolchain is missing makes its claim `not testable here`, with the
//! reason and the install command.

use super::harness::{self, GoResult, HarnessError, Spec};
use super::knobs::{GoRuntimeKnobs, Gogc};
use super::toolchain::{self, GoRelease};
use crate::accounting::Counting;
use crate::error::chain;
use crate::gomap::{GoHeap, GoMap, Knobs};
use crate::gotype::Shape;
use crate::hash::SeededHash;
use crate::report::schema::{ClaimFigure, ClaimOutcome, ClaimVerdict};
use crate::stats::rank::mann_whitney_u;

/// One insert cell of `n` random u64 keys on `release`, `samples` timed
/// regions and `runs` observed accounting runs, with the derived
/// accounting; `env` adds variables to the harness's environment.
fn insert_cell(
    release: GoRelease,
    n: usize,
    hint: usize,
    samples: usize,
    runs: usize,
    knobs: &GoRuntimeKnobs,
    env: &[(&'static str, Option<String>)],
) -> Result<GoResult, HarnessError> {
    let tc = toolchain::find(release)?;
    let bin = super::build::harness_binary(&tc)?;
    // A folder of our own for the spec and result files, removed on return.
    let scratch = tempfile::Builder::new()
        .prefix("mapamp-go-claims-")
        .tempdir()
        .map_err(|source| crate::fsutil::FsError::CreateDir {
            path: std::env::temp_dir(),
            source,
        })?;
    let dir = scratch.path();
    let spec = Spec {
        scenario: "insert".into(),
        n,
        hint,
        keys: "random".into(),
        key_size: 8,
        value_size: 8,
        key_type: None,
        value_type: None,
        churn_rounds: 1,
        seed: 1,
        lenses: vec!["accounting".into()],
        time_samples: samples,
        warmup_ms: 20,
        time_ms: 60_000,
        flamegraph_ms: 0,
        flamegraph_hz: 0,
        flamegraph_samples: 0,
        profile_file: dir.join("unused.pb.gz"),
        accounting_runs: runs,
    };
    let file = dir.join(format!("{release}-{n}-{hint}.json"));
    harness::run_with_env(&bin, &spec, &file, knobs, env)
}

fn fig(name: impl Into<String>, value: impl std::fmt::Display, source: &str) -> ClaimFigure {
    ClaimFigure {
        name: name.into(),
        value: value.to_string(),
        source: source.into(),
    }
}

fn not_testable(id: &str, claim: &str, why: String) -> ClaimVerdict {
    ClaimVerdict {
        id: id.into(),
        claim: claim.into(),
        verdict: ClaimOutcome::NotTestableHere,
        reason: why,
        figures: vec![],
    }
}

/// Per-region figures of a harness answer.
struct Regions {
    ns_per_op: Vec<f64>,
    bytes_per_op: Vec<f64>,
    gc_cycles: Vec<f64>,
    /// Derived WA of every observed run.
    wa: Vec<f64>,
}

impl Regions {
    fn of(r: &GoResult, cell_n: usize) -> Regions {
        let ops = r.units.max(1) as f64;
        Regions {
            ns_per_op: r.samples.iter().map(|s| s.region_ns as f64 / ops).collect(),
            bytes_per_op: r
                .samples
                .iter()
                .map(|s| s.heap_bytes as f64 / ops)
                .collect(),
            gc_cycles: r.samples.iter().map(|s| s.gc_cycles as f64).collect(),
            wa: r
                .accounting
                .iter()
                .chain(&r.accounting_runs)
                .filter_map(|o| {
                    let cell = insert_map_cell(cell_n);
                    super::accounting::derive(o, &cell)
                        .ok()
                        .and_then(|d| d.figures(&cell, r.units).write_amplification)
                })
                .collect(),
        }
    }
}

/// The map cell the claims' harness runs correspond to (for the layout).
fn insert_map_cell(n: usize) -> crate::scenario::MapCell {
    crate::scenario::MapCell {
        scenario: crate::scenario::Scenario::Insert,
        variant: crate::variants::Variant::Go119,
        config: "claims".into(),
        knobs: Knobs::default(),
        hint: crate::variants::HintSpec::None,
        n,
        keys: crate::scenario::Keys::Random,
        key_size: 8,
        value_size: 8,
        key_type: None,
        value_type: None,
        churn_rounds: 1,
        seed: 1,
        go_runtime: GoRuntimeKnobs::default(),
    }
}

fn range(v: &[f64]) -> (f64, f64) {
    (
        v.iter().copied().fold(f64::INFINITY, f64::min),
        v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    )
}

fn median(v: &[f64]) -> f64 {
    crate::stats::median(v).unwrap_or(f64::NAN)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// `mean (min–max)`.
fn spread(v: &[f64]) -> String {
    let (lo, hi) = range(v);
    format!("{:.2} ({:.2}–{:.2})", mean(v), lo, hi)
}

/// Whether every value of `a` is below every value of `b`.
fn all_below(a: &[f64], b: &[f64]) -> bool {
    range(a).1 < range(b).0
}

/// The model's prediction of Go's heap bytes per insert (its allocation
/// accounting), for `n` random inserts with `hint`.
fn model_bytes_per_op(n: usize, hint: usize) -> f64 {
    let u64_shape = Shape::scalar(8);
    let mut m: GoMap<SeededHash, Counting, GoHeap> =
        GoMap::with_config(u64_shape, u64_shape, Knobs::default(), hint, 1, SeededHash);
    let before = m.probe().0.model_allocated_bytes;
    crate::workload::insert(&mut m, n, crate::workload::KeyDist::Random, 1);
    (m.probe().0.model_allocated_bytes - before) as f64 / n as f64
}

/// "Presizing helps in the real runtime as the model predicts": real Go
/// 1.19, `n` inserts without and with a hint of `n`.
pub fn presizing_real_go(n: usize, samples: usize) -> ClaimVerdict {
    let id = "presizing-real-go-1.19";
    let claim = "Presizing (make(map, n)) lowers B/op and ns/op of n inserts in the real Go 1.19 runtime, as the model predicts";
    let run = |hint| {
        insert_cell(
            GoRelease::Go119,
            n,
            hint,
            samples,
            1,
            &GoRuntimeKnobs::default(),
            &[],
        )
    };
    let (plain, sized) = match (run(0), run(n)) {
        (Ok(a), Ok(b)) => (Regions::of(&a, n), Regions::of(&b, n)),
        (Err(e), _) | (_, Err(e)) => return not_testable(id, claim, chain(&e)),
    };
    let p = mann_whitney_u(&plain.ns_per_op, &sized.ns_per_op).map(|t| t.p_value);
    let significant = p.is_some_and(|p| p < 0.01);
    let faster = significant && median(&sized.ns_per_op) < median(&plain.ns_per_op);
    let slower = significant && median(&sized.ns_per_op) > median(&plain.ns_per_op);
    let smaller = all_below(&sized.bytes_per_op, &plain.bytes_per_op);
    let (model_plain, model_sized) = (model_bytes_per_op(n, 0), model_bytes_per_op(n, n));
    let within = |x: f64, v: &[f64]| {
        let (lo, hi) = range(v);
        x >= lo && x <= hi
    };
    let agrees =
        within(model_plain, &plain.bytes_per_op) && within(model_sized, &sized.bytes_per_op);
    ClaimVerdict {
        id: id.into(),
        claim: claim.into(),
        verdict: match (smaller, faster, slower) {
            (true, true, _) => ClaimOutcome::Holds,
            (false, _, _) | (_, _, true) => ClaimOutcome::DoesNotHold,
            // B/op fell, time did not move beyond this machine's noise.
            (true, false, false) => ClaimOutcome::NotTestableHere,
        },
        reason: format!(
            "{n} random u64 inserts, {samples} regions each (fresh map, fresh hash seed); presized B/op {} below every unsized region, ns/op {} (Mann–Whitney p = {}, α = 0.01); the model's predicted B/op {} within the runtime's seed-to-seed range on both sides",
            if smaller { "is" } else { "is not" },
            if faster {
                "lower"
            } else if slower {
                "higher"
            } else {
                "not significantly different on this machine"
            },
            p.map_or("n/a".into(), |p| format!("{p:.2e}")),
            if agrees { "falls" } else { "does not fall" }
        ),
        figures: vec![
            fig("ns/op without / with hint (mean, min–max)", format!("{} / {}", spread(&plain.ns_per_op), spread(&sized.ns_per_op)), "go1.19 wall-clock"),
            fig("B/op without / with hint", format!("{} / {}", spread(&plain.bytes_per_op), spread(&sized.bytes_per_op)), "go-runtime-metrics"),
            fig("model-predicted B/op without / with hint", format!("{model_plain:.2} / {model_sized:.2}"), "model-accounting"),
            fig("GC cycles per region without / with hint", format!("{} / {}", spread(&plain.gc_cycles), spread(&sized.gc_cycles)), "go-runtime-metrics"),
        ],
    }
}

/// "GC load changes write amplification" (the article's γ term), measured
/// across its GOGC × presize matrix on real Go 1.19: at every setting the
/// map's derived WA is taken over several maps (fresh hash seeds), and the
/// claim holds only if some setting's WA range is apart from another's
/// while the collector's load differs.
pub fn gogc_matrix(n: usize, samples: usize) -> ClaimVerdict {
    let id = "gogc-changes-wa";
    let claim = "GC load (GOGC) changes a map's write amplification (the article's γ term; its GOGC × presize matrix)";
    let settings = [
        Gogc::Percent(50),
        Gogc::Percent(100),
        Gogc::Percent(400),
        Gogc::Off,
    ];
    let runs = 5;
    let mut rows = Vec::new();
    let mut apart = Vec::new();
    let mut gc: Vec<f64> = Vec::new();
    for hint in [0, n] {
        let mut was: Vec<(Gogc, Vec<f64>)> = Vec::new();
        for g in settings {
            let knobs = GoRuntimeKnobs {
                gogc: Some(g),
                gomemlimit: None,
            };
            let reg = match insert_cell(GoRelease::Go119, n, hint, samples, runs, &knobs, &[]) {
                Ok(r) => Regions::of(&r, n),
                Err(e) => return not_testable(id, claim, chain(&e)),
            };
            gc.push(mean(&reg.gc_cycles));
            rows.push(format!(
                "{} GOGC={g}: {:.1} ns/op, {:.1} B/op, {:.2} GC/region, WA {}",
                if hint == 0 { "no hint" } else { "hint n" },
                median(&reg.ns_per_op),
                mean(&reg.bytes_per_op),
                mean(&reg.gc_cycles),
                wa_range(&reg.wa)
            ));
            was.push((g, reg.wa));
        }
        for (i, (g, a)) in was.iter().enumerate() {
            for (h, b) in &was[i + 1..] {
                if all_below(a, b) || all_below(b, a) {
                    apart.push(format!(
                        "GOGC={g} vs {h} ({})",
                        if hint == 0 { "no hint" } else { "hint n" }
                    ));
                }
            }
        }
    }
    let (gc_lo, gc_hi) = range(&gc);
    let verdict = match (gc_hi > gc_lo, apart.is_empty()) {
        (false, _) => ClaimOutcome::NotTestableHere,
        (true, true) => ClaimOutcome::DoesNotHold,
        (true, false) => ClaimOutcome::Holds,
    };
    ClaimVerdict {
        id: id.into(),
        claim: claim.into(),
        verdict,
        reason: format!(
            "{n} random u64 inserts on Go 1.19 at GOGC 50, 100, 400, off, with and without a hint of n; per setting {samples} timed regions and the derived WA of {runs} maps: GC cycles per region ranged {gc_lo:.2}–{gc_hi:.2}; {}",
            match verdict {
                ClaimOutcome::NotTestableHere => "the collector did not run more at one setting than at another, so nothing was varied".to_string(),
                ClaimOutcome::DoesNotHold => "every setting's WA range overlaps every other's: the collector's load does not show in what the map writes (its hash seed does)".to_string(),
                ClaimOutcome::Holds => format!("WA ranges apart: {}", apart.join(", ")),
            }
        ),
        figures: vec![fig("GOGC × presize matrix", rows.join("; "), "go1.19 harness (go-runtime-metrics, derived accounting)")],
    }
}

/// `min..max` of the WA figures.
fn wa_range(v: &[f64]) -> String {
    let (lo, hi) = range(v);
    format!("{lo:.4}..{hi:.4}")
}

/// Classic (Go 1.19) against Swiss (Go 1.26) on the same insert cells:
/// B/op, ns/op, GC cycles, with and without a hint; the write amplification
/// derived from each runtime's observed structure changes as a figure.
pub fn classic_vs_swiss(n: usize, samples: usize) -> ClaimVerdict {
    let id = "swiss-changed-write-cost";
    let claim = "The Swiss map of Go 1.24+ changed what inserting costs: real Go 1.26 against real Go 1.19 on the same cells";
    let mut figures = Vec::new();
    let mut differ = Vec::new();
    for hint in [0, n] {
        let run = |r| insert_cell(r, n, hint, samples, 1, &GoRuntimeKnobs::default(), &[]);
        let (c, s) = match (run(GoRelease::Go119), run(GoRelease::Go126)) {
            (Ok(a), Ok(b)) => (Regions::of(&a, n), Regions::of(&b, n)),
            (Err(e), _) | (_, Err(e)) => return not_testable(id, claim, chain(&e)),
        };
        let label = if hint == 0 { "no hint" } else { "hint n" };
        let p = mann_whitney_u(&c.ns_per_op, &s.ns_per_op).map(|t| t.p_value);
        let bytes_apart = all_below(&s.bytes_per_op, &c.bytes_per_op)
            || all_below(&c.bytes_per_op, &s.bytes_per_op);
        if bytes_apart {
            differ.push(format!("B/op ({label})"));
        }
        if p.is_some_and(|p| p < 0.01) {
            differ.push(format!("ns/op ({label})"));
        }
        figures.push(fig(
            format!("B/op 1.19 / 1.26, {label}"),
            format!("{} / {}", spread(&c.bytes_per_op), spread(&s.bytes_per_op)),
            "go-runtime-metrics",
        ));
        figures.push(fig(
            format!("ns/op 1.19 / 1.26, {label}"),
            format!(
                "{} / {} (Mann–Whitney p = {})",
                spread(&c.ns_per_op),
                spread(&s.ns_per_op),
                p.map_or("n/a".into(), |p| format!("{p:.2e}"))
            ),
            "wall-clock",
        ));
        figures.push(fig(
            format!("WA 1.19 / 1.26, {label}"),
            format!("{} / {}", wa_range(&c.wa), wa_range(&s.wa)),
            "derived-accounting",
        ));
        figures.push(fig(
            format!("GC cycles per region 1.19 / 1.26, {label}"),
            format!("{} / {}", spread(&c.gc_cycles), spread(&s.gc_cycles)),
            "go-runtime-metrics",
        ));
    }
    ClaimVerdict {
        id: id.into(),
        claim: claim.into(),
        verdict: if differ.is_empty() {
            ClaimOutcome::DoesNotHold
        } else {
            ClaimOutcome::Holds
        },
        reason: format!(
            "{n} random u64 inserts, {samples} regions per side (fresh maps), same key ids: {}",
            if differ.is_empty() {
                "no figure differs beyond the seed-to-seed ranges and the rank test".to_string()
            } else {
                format!("differ beyond the noise: {}", differ.join(", "))
            }
        ),
        figures,
    }
}

/// The smallest share of what presizing saves that GOMAPINIT must move a
/// map's bytes by to count as tuning its initial size. Heap bytes per insert
/// from the runtime's metrics move by a few tenths of a percent from run to
/// run (the runtime's own allocations land in the region); presizing a map
/// of 20,000 entries saves nearly all of them (68 → 0.25 B/op on go1.19).
const GOMAPINIT_MIN_SHARE: f64 = 0.1;

/// Whether bytes per insert `with` a setting differ from those `without` it
/// by more than noise: the ranges do not overlap and the medians differ by
/// at least [`GOMAPINIT_MIN_SHARE`] of what presizing saves (`without`
/// against `presized`).
fn tunes(with: &[f64], without: &[f64], presized: &[f64]) -> bool {
    let ((alo, ahi), (blo, bhi)) = (range(with), range(without));
    let moved = (median(with) - median(without)).abs();
    let saves = (median(without) - median(presized)).abs();
    (ahi < blo || bhi < alo) && moved >= GOMAPINIT_MIN_SHARE * saves
}

/// "GOMAPINIT tunes the initial map size": run real Go with it set, without
/// it, and presized. It holds on a release when the bytes per insert with it
/// set lie outside the range without it *and* differ by at least
/// `GOMAPINIT_MIN_SHARE` of what presizing saves; a smaller difference is
/// the runtime's noise, not a tuned initial size.
pub fn gomapinit(n: usize, samples: usize) -> ClaimVerdict {
    let id = "gomapinit";
    let claim = "The GOMAPINIT environment variable tunes the initial map size";
    let mut figures = Vec::new();
    let mut tested = Vec::new();
    let mut ignored = true;
    let mut why_not = Vec::new();
    let knobs = GoRuntimeKnobs::default();
    for release in [GoRelease::Go119, GoRelease::Go126] {
        let gomapinit = [("GOMAPINIT", Some(n.to_string()))];
        let unset = [("GOMAPINIT", None)];
        let with = insert_cell(release, n, 0, samples, 1, &knobs, &gomapinit);
        let without = insert_cell(release, n, 0, samples, 1, &knobs, &unset);
        let presized = insert_cell(release, n, n, samples, 1, &knobs, &unset);
        match (with, without, presized) {
            (Ok(a), Ok(b), Ok(p)) => {
                let (ra, rb, rp) = (Regions::of(&a, n), Regions::of(&b, n), Regions::of(&p, n));
                ignored &= !tunes(&ra.bytes_per_op, &rb.bytes_per_op, &rp.bytes_per_op);
                tested.push(a.go_version.clone());
                figures.push(fig(
                    format!(
                        "{} B/op of {n} inserts into make(map) with / without GOMAPINIT={n} / make(map, {n})",
                        a.go_version
                    ),
                    format!(
                        "{} / {} / {}",
                        spread(&ra.bytes_per_op),
                        spread(&rb.bytes_per_op),
                        spread(&rp.bytes_per_op)
                    ),
                    "go-runtime-metrics",
                ));
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => why_not.push(chain(&e)),
        }
    }
    if tested.is_empty() {
        return not_testable(id, claim, why_not.join("; "));
    }
    ClaimVerdict {
        id: id.into(),
        claim: claim.into(),
        verdict: if ignored { ClaimOutcome::DoesNotHold } else { ClaimOutcome::Holds },
        reason: format!(
            "on {}: a map made without a hint allocates {} with GOMAPINIT set (a presized map would skip its growths; a difference counts when the ranges do not overlap and it is at least {:.0}% of what presizing saves){}",
            tested.join(", "),
            if ignored { "the same bytes (within the noise)" } else { "different bytes" },
            GOMAPINIT_MIN_SHARE * 100.0,
            if why_not.is_empty() { String::new() } else { format!("; not run: {}", why_not.join("; ")) }
        ),
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::tunes;

    #[test]
    fn noise_beside_the_presizing_effect_does_not_tune_but_a_real_move_does() {
        // go1.19.8, 20,000 inserts (2026-12-06): with GOMAPINIT set 68.28–68.33
        // B/op, without 67.99–68.21 (disjoint ranges, a 0.2 B/op difference),
        // make(map, 20000) 0.21–0.41 (its table is allocated before the region).
        let with = [68.28, 68.30, 68.30, 68.31, 68.33];
        let without = [67.99, 68.10, 68.12, 68.15, 68.21];
        let presized = [0.21, 0.22, 0.25, 0.30, 0.41];
        assert!(!tunes(&with, &without, &presized));
        // Overlapping ranges never count, however far presizing moves.
        assert!(!tunes(&[68.0, 68.2], &[68.1, 68.3], &presized));
        // Half way to the presized figure is a tuned initial size.
        let halfway = [34.0, 34.1, 34.1, 34.2, 34.3];
        assert!(tunes(&halfway, &without, &presized));
    }
}
