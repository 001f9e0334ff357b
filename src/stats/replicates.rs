//! Statistics over processes: a cell's time is measured in several child
//! processes, several samples each, and the *process* is the unit of
//! replication.
//!
//! Everything fixed for the life of a process — where ASLR put the heap and
//! the stack, which physical pages (and huge pages) the allocator got, the
//! machine's phase while it ran — moves all of its samples together. Samples
//! of one process are therefore not independent measurements of the cell: a
//! test over them calls a process effect a difference (Kalibera & Jones,
//! "Rigorous benchmarking in reasonable time", ISMM 2013; Curtsinger &
//! Berger, "Stabilizer", ASPLOS 2013). Here:
//!
//! - a process contributes one value, the median of its samples;
//! - a cell's figure is the median of its process values ([`center`]);
//! - its confidence interval resamples processes, then samples within each
//!   resampled process ([`hierarchical_ci`]), so both levels of variation
//!   widen it;
//! - two cells are compared by a Mann–Whitney test over their process
//!   values ([`process_test`]), exact for the handful of processes a cell
//!   has, and a difference is called only if it is significant *and* larger
//!   than a threshold ([`ProcessTest::is_difference`]): the practical
//!   threshold, or the run's measured noise floor when that is larger;
//! - the noise floor comes from splitting each cell's processes in two
//!   halves ([`split_half_change`], [`noise_floor`]).

use super::rank::{mann_whitney_u, PMethod};
use super::{median, percentile_interval, quantile};
use crate::rng::Rng;

/// Default significance level of the process-level test.
pub const ALPHA: f64 = 0.01;

/// Default practical threshold: a relative change of the cell figure at
/// or below this is never called a difference.
pub const PRACTICAL: f64 = 0.02;

/// Fewest processes a cell needs for its halves to enter the noise floor.
pub const MIN_PROCESSES_FOR_HALVES: usize = 4;

/// The figure of a cell from one value per process: their median.
pub fn center(process_values: &[f64]) -> Option<f64> {
    median(process_values)
}

/// Each process's median sample.
pub fn process_medians(processes: &[Vec<f64>]) -> Vec<f64> {
    processes.iter().filter_map(|p| median(p)).collect()
}

/// A 95% confidence interval of [`center`] of the process medians, by a
/// two-level bootstrap: each resample draws processes with replacement,
/// then each drawn process's samples with replacement, and takes the
/// center of the resampled process medians. Deterministic for a seed;
/// `None` without samples.
pub fn hierarchical_ci(processes: &[Vec<f64>], resamples: usize, seed: u64) -> Option<(f64, f64)> {
    let procs: Vec<&Vec<f64>> = processes.iter().filter(|p| !p.is_empty()).collect();
    if procs.is_empty() {
        return None;
    }
    let mut rng = Rng::new(seed);
    let centers: Vec<f64> = (0..resamples.max(1))
        .map(|_| {
            let meds: Vec<f64> = (0..procs.len())
                .map(|_| {
                    let p = procs[rng.below(procs.len() as u64) as usize];
                    let s: Vec<f64> = (0..p.len())
                        .map(|_| p[rng.below(p.len() as u64) as usize])
                        .collect();
                    median(&s).expect("non-empty")
                })
                .collect();
            center(&meds).expect("non-empty")
        })
        .collect();
    percentile_interval(centers)
}

/// Two cells compared on their process values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProcessTest {
    /// center(B) / center(A) − 1.
    pub change: f64,
    /// Two-sided p of the Mann–Whitney test over process values.
    pub p_value: f64,
    /// How `p_value` was computed.
    pub method: PMethod,
    /// Processes on side A.
    pub processes_a: usize,
    /// Processes on side B.
    pub processes_b: usize,
}

impl ProcessTest {
    /// Whether the change is called a difference: significant at `alpha`
    /// and beyond `threshold` (a relative change) in either direction, on
    /// the log scale: the ratio B/A above 1 + t or below 1/(1 + t), so a
    /// floor above 100% still lets a large enough speed-up through.
    pub fn is_difference(&self, alpha: f64, threshold: f64) -> bool {
        self.p_value < alpha && beyond_log(self.change, threshold)
    }
}

/// Whether the relative change `change` (B/A − 1) is beyond `threshold`
/// on the log scale: |ln(1 + change)| > ln(1 + threshold).
pub fn beyond_log(change: f64, threshold: f64) -> bool {
    (1.0 + change).ln().abs() > (1.0 + threshold).ln()
}

/// Mann–Whitney over the process values of A and B, and the relative change
/// of their centers; `None` when a side has no value or A's center is 0.
pub fn process_test(a: &[f64], b: &[f64]) -> Option<ProcessTest> {
    let t = mann_whitney_u(a, b)?;
    let (ca, cb) = (center(a)?, center(b)?);
    if ca == 0.0 {
        return None;
    }
    Some(ProcessTest {
        change: cb / ca - 1.0,
        p_value: t.p_value,
        method: t.method,
        processes_a: a.len(),
        processes_b: b.len(),
    })
}

/// The smallest p-value `process_test` can give with `m` and `n`
/// processes (full separation): below `alpha` only with enough processes.
pub fn smallest_p(m: usize, n: usize) -> f64 {
    let a: Vec<f64> = (0..m).map(|i| i as f64).collect();
    let b: Vec<f64> = (0..n).map(|i| (m + i) as f64).collect();
    mann_whitney_u(&a, &b).map_or(1.0, |t| t.p_value)
}

/// log(center(odd) / center(even)) of one cell's process values listed in
/// process order: its two halves are independent measurements of the same
/// work, interleaved over the whole run. `None` with fewer than
/// [`MIN_PROCESSES_FOR_HALVES`] values or a zero center.
pub fn split_half_change(process_values: &[f64]) -> Option<f64> {
    if process_values.len() < MIN_PROCESSES_FOR_HALVES {
        return None;
    }
    let even: Vec<f64> = process_values.iter().step_by(2).copied().collect();
    let odd: Vec<f64> = process_values.iter().skip(1).step_by(2).copied().collect();
    let (e, o) = (center(&even)?, center(&odd)?);
    (e > 0.0 && o > 0.0).then(|| (o / e).ln())
}

/// The noise floor from split-half log ratios: the 95th percentile of
/// |log ratio|, scaled by 1/√2 (a half has half a cell's processes, so two
/// halves differ by √2 times what two cells would), as a relative change.
/// `None` without ratios.
pub fn noise_floor(half_log_ratios: &[f64]) -> Option<f64> {
    let abs: Vec<f64> = half_log_ratios.iter().map(|r| r.abs()).collect();
    let q = quantile(&abs, 0.95)?;
    Some((q / std::f64::consts::SQRT_2).exp() - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn center_and_process_medians() {
        let procs = vec![vec![3.0, 1.0, 2.0], vec![10.0, 12.0, 11.0], vec![5.0]];
        assert_eq!(process_medians(&procs), vec![2.0, 11.0, 5.0]);
        assert_eq!(center(&process_medians(&procs)), Some(5.0));
    }

    /// Two processes whose samples agree tightly within each but differ by
    /// 2× between them: the interval must span both levels, not the
    /// within-process spread of one.
    #[test]
    fn hierarchical_interval_spans_the_process_level() {
        let procs = vec![
            vec![10.0, 10.1, 9.9, 10.0, 10.05],
            vec![20.0, 20.1, 19.9, 20.0, 20.05],
            vec![10.0, 10.2, 9.8, 10.1, 10.0],
            vec![20.2, 20.0, 19.8, 20.1, 20.0],
        ];
        let (lo, hi) = hierarchical_ci(&procs, 2000, 7).unwrap();
        assert!(lo <= 10.1 && hi >= 19.9, "({lo}, {hi})");
        // One process alone: only its own spread.
        let (lo, hi) = hierarchical_ci(&procs[..1], 2000, 7).unwrap();
        assert!(lo >= 9.9 && hi <= 10.1, "({lo}, {hi})");
        assert_eq!(hierarchical_ci(&[], 10, 1), None);
        // Deterministic for a seed.
        assert_eq!(
            hierarchical_ci(&procs, 500, 3),
            hierarchical_ci(&procs, 500, 3)
        );
    }

    #[test]
    fn the_test_needs_enough_processes_to_call_anything() {
        // 3 against 3 fully separated: p = 0.1, never significant at 1%.
        assert!((smallest_p(3, 3) - 0.1).abs() < 1e-12);
        // 5 against 5: 2/252 < 1%; 7 against 7: 2/3432.
        assert!(smallest_p(5, 5) < ALPHA && smallest_p(4, 4) > ALPHA);
        assert!((smallest_p(7, 7) - 2.0 / 3432.0).abs() < 1e-12);
    }

    /// Identical work with a bimodal process effect (each process lands in
    /// one of two layouts, 12.5 or 22 ns): however the modes fall, A and B
    /// mix, and the test says `same` unless one side is all in one mode.
    #[test]
    fn a_process_effect_is_not_a_difference() {
        let a = [12.4, 22.1, 12.6, 21.9, 12.5, 12.3, 22.3];
        let b = [22.0, 12.7, 22.4, 12.2, 21.8, 12.55, 22.2];
        let t = process_test(&a, &b).unwrap();
        assert!(t.change > 0.7, "{t:?}"); // the medians flipped modes...
        assert!(!t.is_difference(ALPHA, PRACTICAL), "{t:?}"); // ...but that is not a finding
        assert_eq!(t.method, PMethod::Exact);
    }

    #[test]
    fn a_real_difference_is_called_and_a_small_one_is_not() {
        let a = [60.0, 61.0, 59.5, 62.0, 60.5, 61.5, 60.2];
        let b: Vec<f64> = a.iter().map(|x| x / 5.0).collect();
        let t = process_test(&a, &b).unwrap();
        assert!(t.is_difference(ALPHA, PRACTICAL), "{t:?}");
        assert!((t.change + 0.8).abs() < 1e-9);
        // Separated but only 1% apart: significant, below the practical threshold.
        let tight = [100.0, 100.1, 100.2, 100.3, 100.4, 100.5, 100.6];
        let c: Vec<f64> = tight.iter().map(|x| x + 1.0).collect();
        let t = process_test(&tight, &c).unwrap();
        assert!(
            t.p_value < ALPHA && !t.is_difference(ALPHA, PRACTICAL),
            "{t:?}"
        );
        // 10% apart: called, unless the floor is above it.
        let d: Vec<f64> = tight.iter().map(|x| x * 1.10).collect();
        let t = process_test(&tight, &d).unwrap();
        assert!(
            t.is_difference(ALPHA, PRACTICAL) && !t.is_difference(ALPHA, 0.15),
            "{t:?}"
        );
    }

    #[test]
    fn thresholds_are_symmetric_on_the_log_scale() {
        assert!(beyond_log(0.10, 0.05) && beyond_log(-0.10, 0.05));
        assert!(!beyond_log(0.04, 0.05) && !beyond_log(-0.04, 0.05));
        // A 5× speed-up is beyond a 300% floor (1/5 < 1/4), a 3× one is not.
        assert!(beyond_log(-0.8, 3.0) && !beyond_log(-2.0 / 3.0, 3.0));
        assert!(beyond_log(4.0, 3.0) && !beyond_log(2.0, 3.0));
    }

    #[test]
    fn halves_and_the_floor() {
        assert_eq!(split_half_change(&[1.0, 2.0, 3.0]), None);
        // Even processes 10, odd 11: log(1.1).
        let r = split_half_change(&[10.0, 11.0, 10.0, 11.0, 10.0, 11.0]).unwrap();
        assert!((r - 1.1f64.ln()).abs() < 1e-12);
        // 20 cells: |log ratios| 0.01..0.20; the 95th percentile (linear
        // interpolation) is 0.1905, scaled by 1/√2 → exp(0.1347) − 1.
        let ratios: Vec<f64> = (1..=20)
            .map(|i| {
                if i % 2 == 0 {
                    0.01 * i as f64
                } else {
                    -0.01 * i as f64
                }
            })
            .collect();
        let f = noise_floor(&ratios).unwrap();
        let want = (0.1905 / std::f64::consts::SQRT_2).exp() - 1.0;
        assert!((f - want).abs() < 1e-9, "{f} {want}");
        assert_eq!(noise_floor(&[]), None);
    }
}
