//! Small statistics used by the time and latency lenses: medians,
//! percentiles and a bootstrap confidence interval of the median.

use crate::rng::Rng;

/// The median of `xs` (empty: `None`).
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = xs.to_vec();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// The `p`-th percentile (0..=100) of sorted `xs`, nearest-rank.
pub fn percentile_sorted(xs: &[u64], p: f64) -> Option<u64> {
    if xs.is_empty() {
        return None;
    }
    // p × n / 100 in that order, less a rounding allowance: 99.9 / 100 is
    // 0.9990000000000001 in binary, which would push rank 999 of 1000 to 1000.
    let rank = (p * xs.len() as f64 / 100.0 - 1e-9).ceil() as usize;
    Some(xs[rank.clamp(1, xs.len()) - 1])
}

/// A 95% bootstrap confidence interval of the median (percentile method,
/// `resamples` resamples, deterministic for a seed).
pub fn bootstrap_median_ci(xs: &[f64], resamples: usize, seed: u64) -> Option<(f64, f64)> {
    if xs.is_empty() {
        return None;
    }
    let mut rng = Rng::new(seed);
    let mut meds: Vec<f64> = (0..resamples.max(1))
        .map(|_| {
            let s: Vec<f64> = (0..xs.len())
                .map(|_| xs[rng.below(xs.len() as u64) as usize])
                .collect();
            median(&s).expect("non-empty")
        })
        .collect();
    meds.sort_by(|a, b| a.total_cmp(b));
    let lo = meds[((meds.len() as f64) * 0.025) as usize];
    let hi = meds[(((meds.len() as f64) * 0.975) as usize).min(meds.len() - 1)];
    Some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let v: Vec<u64> = (1..=1000).collect();
        assert_eq!(percentile_sorted(&v, 50.0), Some(500));
        assert_eq!(percentile_sorted(&v, 99.0), Some(990));
        assert_eq!(percentile_sorted(&v, 99.9), Some(999));
        assert_eq!(percentile_sorted(&v, 100.0), Some(1000));
    }

    #[test]
    fn bootstrap_interval_contains_the_median_and_narrows_with_agreement() {
        let xs: Vec<f64> = (0..50).map(|i| 100.0 + (i % 7) as f64).collect();
        let (lo, hi) = bootstrap_median_ci(&xs, 1000, 1).unwrap();
        let m = median(&xs).unwrap();
        assert!(lo <= m && m <= hi);
        let same = vec![5.0; 20];
        assert_eq!(bootstrap_median_ci(&same, 100, 1), Some((5.0, 5.0)));
    }
}
