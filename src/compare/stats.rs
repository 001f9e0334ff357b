//! Statistics behind the noise-aware time verdict: medians, the
//! Mann–Whitney U test and the normal tail it needs. Pure functions over
//! slices; no report types.
//!
//! The U test asks whether one side's samples tend to be larger than the
//! other's without assuming a distribution, which suits benchmark timings
//! (skewed, with outliers from a shared machine). With the sample counts
//! criterion-style runs produce (tens to hundreds) the normal approximation
//! is accurate; ties get the usual variance correction, and a continuity
//! correction of ½ is applied (as R's `wilcox.test` and SciPy's
//! `mannwhitneyu` do by default).

/// Median of `xs` (mean of the middle two for even lengths); `None` if empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// The outcome of a two-sided Mann–Whitney U test of `a` against `b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MannWhitney {
    /// U of sample `a`: pairs (x from a, y from b) with x > y, ties counting ½.
    pub u_a: f64,
    /// Standardised U (continuity-corrected); positive when `a` tends to be larger.
    pub z: f64,
    /// Two-sided p-value from the normal approximation.
    pub p_value: f64,
}

/// Two-sided Mann–Whitney U test, normal approximation with tie and
/// continuity corrections. `None` when either sample is empty.
///
/// U_a = R_a − n_a(n_a+1)/2 where R_a is the rank sum of `a` in the pooled
/// sample (ties get their mean rank); under the null hypothesis U_a has mean
/// n_a·n_b/2 and variance n_a·n_b/12 · ((n+1) − Σ(t³−t)/(n(n−1))) with `t`
/// the size of each tie group. When every value is tied the variance is 0
/// and p = 1.
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let n = na + nb;
    let mut pooled: Vec<(f64, bool)> = a
        .iter()
        .map(|&x| (x, true))
        .chain(b.iter().map(|&y| (y, false)))
        .collect();
    pooled.sort_by(|x, y| x.0.total_cmp(&y.0));

    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < pooled.len() {
        let mut j = i + 1;
        while j < pooled.len() && pooled[j].0 == pooled[i].0 {
            j += 1;
        }
        // Positions i..j (0-based) share ranks i+1..=j: their mean.
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        let in_a = pooled[i..j].iter().filter(|p| p.1).count() as f64;
        rank_sum_a += mean_rank * in_a;
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        i = j;
    }

    let u_a = rank_sum_a - na * (na + 1.0) / 2.0;
    let mean = na * nb / 2.0;
    let variance = na * nb / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        return Some(MannWhitney {
            u_a,
            z: 0.0,
            p_value: 1.0,
        });
    }
    let diff = u_a - mean;
    let z = diff.signum() * (diff.abs() - 0.5).max(0.0) / variance.sqrt();
    let p_value = erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0);
    Some(MannWhitney { u_a, z, p_value })
}

/// Complementary error function, relative error below 1.2e-7 everywhere
/// (the Chebyshev fit of Numerical Recipes' `erfcc`).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, tol: f64) -> bool {
        (x - y).abs() <= tol
    }

    #[test]
    fn medians_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn erfc_matches_tabulated_values() {
        // erfc(0) = 1, erfc(1) = 0.157299207..., erfc(2) = 0.004677734...
        assert!(close(erfc(0.0), 1.0, 1e-7));
        assert!(close(erfc(1.0), 0.157_299_207_050_285, 1e-7));
        assert!(close(erfc(2.0), 0.004_677_734_981_047_266, 1e-8));
        assert!(close(erfc(-1.0), 2.0 - 0.157_299_207_050_285, 1e-7));
    }

    /// a = [1, 2, 3], b = [4, 5, 6]: a's ranks 1+2+3 = 6, U_a = 6 − 6 = 0.
    /// Mean 4.5, variance 9/12 · 7 = 5.25 (no ties), σ = 2.291288.
    /// z = −(4.5 − 0.5)/σ = −1.745743; p = erfc(1.745743/√2) = 0.080856.
    #[test]
    fn separated_samples_of_three() {
        let t = mann_whitney_u(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap();
        assert_eq!(t.u_a, 0.0);
        assert!(close(t.z, -1.745_743, 1e-5), "{t:?}");
        assert!(close(t.p_value, 0.080_856, 1e-5), "{t:?}");
        // Swapping the sides mirrors U and z, not p.
        let s = mann_whitney_u(&[4.0, 5.0, 6.0], &[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.u_a, 9.0);
        assert!(close(s.z, 1.745_743, 1e-5));
        assert!(close(s.p_value, t.p_value, 1e-12));
    }

    /// a = [1, 2, 2, 3], b = [2, 3, 4, 5]. Pooled sorted:
    /// 1 | 2 2 2 | 3 3 | 4 | 5 → ranks 1 | 3 3 3 | 5.5 5.5 | 7 | 8.
    /// R_a = 1 + 3 + 3 + 5.5 = 12.5, U_a = 12.5 − 10 = 2.5. Mean 8.
    /// Ties: groups of 3 and 2 → Σ(t³−t) = 24 + 6 = 30; n = 8.
    /// Variance = 16/12 · (9 − 30/56) = 11.285714, σ = 3.359422.
    /// z = −(5.5 − 0.5)/σ = −1.488351; p = erfc(1.488351/√2) = 0.136658.
    #[test]
    fn ties_get_mean_ranks_and_corrected_variance() {
        let t = mann_whitney_u(&[1.0, 2.0, 2.0, 3.0], &[2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(t.u_a, 2.5);
        assert!(close(t.z, -1.488_351, 1e-5), "{t:?}");
        assert!(close(t.p_value, 0.136_658, 1e-5), "{t:?}");
    }

    /// Ten against ten, fully separated: U_a = 0, mean 50,
    /// σ = √(100/12 · 21) = 13.228757; z = −49.5/σ = −3.741848;
    /// p = erfc(3.741848/√2) = 0.000183 < 0.01.
    #[test]
    fn ten_against_ten_separated_is_significant_at_one_percent() {
        let a: Vec<f64> = (0..10).map(|i| 10.0 + i as f64 * 0.1).collect();
        let b: Vec<f64> = (0..10).map(|i| 20.0 + i as f64 * 0.1).collect();
        let t = mann_whitney_u(&a, &b).unwrap();
        assert_eq!(t.u_a, 0.0);
        assert!(close(t.z, -3.741_848, 1e-5), "{t:?}");
        assert!(close(t.p_value, 0.000_183, 2e-6), "{t:?}");
    }

    #[test]
    fn all_values_tied_gives_p_one_and_empty_gives_none() {
        let t = mann_whitney_u(&[5.0, 5.0], &[5.0, 5.0, 5.0]).unwrap();
        assert_eq!(t.p_value, 1.0);
        assert_eq!(t.z, 0.0);
        assert!(mann_whitney_u(&[], &[1.0]).is_none());
        assert!(mann_whitney_u(&[1.0], &[]).is_none());
    }

    #[test]
    fn identical_samples_are_not_significant() {
        let a = [10.0, 10.5, 9.8, 10.2, 10.1];
        let t = mann_whitney_u(&a, &a).unwrap();
        assert_eq!(t.u_a, 12.5);
        assert_eq!(t.p_value, 1.0);
    }
}
