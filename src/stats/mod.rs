//! Small statistics used by the time and latency lenses and by `compare`:
//! medians, percentiles, quantiles, the percentile interval of bootstrap
//! estimates, the Mann–Whitney U test ([`rank`]) and the process-level
//! statistics of time measured in several processes ([`replicates`]).

pub mod rank;
pub mod replicates;

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

/// The `q`-quantile (0..=1) of `xs`, interpolating linearly between order
/// statistics (R's type 7, NumPy's default); `None` if empty.
pub fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(v[lo] + (h - lo as f64) * (v[hi] - v[lo]))
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

/// The 2.5th and 97.5th percentiles of bootstrap estimates (the
/// percentile method's 95% interval); `None` if empty.
pub fn percentile_interval(mut estimates: Vec<f64>) -> Option<(f64, f64)> {
    if estimates.is_empty() {
        return None;
    }
    estimates.sort_by(f64::total_cmp);
    let n = estimates.len();
    let lo = estimates[((n as f64) * 0.025) as usize];
    let hi = estimates[(((n as f64) * 0.975) as usize).min(n - 1)];
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
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), Some(2.0));
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
        // 20 values 1..=20: h = 19 · 0.95 = 18.05 → 19 + 0.05.
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert!((quantile(&v, 0.95).unwrap() - 19.05).abs() < 1e-12);
        assert_eq!(quantile(&v, 1.0), Some(20.0));
    }

    #[test]
    fn percentile_intervals_cut_the_tails() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        assert_eq!(percentile_interval(v), Some((25.0, 975.0)));
        assert_eq!(percentile_interval(vec![5.0]), Some((5.0, 5.0)));
        assert_eq!(percentile_interval(vec![]), None);
    }
}
