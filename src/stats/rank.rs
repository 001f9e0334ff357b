//! The Mann–Whitney U test (Wilcoxon rank-sum), two-sided.
//!
//! The U test asks whether one side's values tend to be larger than the
//! other's without assuming a distribution, which suits benchmark timings
//! (skewed, with outliers from a shared machine). `compare` applies it to
//! *process medians* (a handful per side, see [`super::replicates`]), where
//! the normal approximation is poor, so small samples without ties get the
//! exact null distribution of U (as R's `wilcox.test` does below 50 values);
//! larger samples, or samples with ties, get the normal approximation with
//! the tie correction of the variance and a continuity correction of ½ (R's
//! `wilcox.test(exact = FALSE)`, SciPy's `mannwhitneyu` default).

/// Largest `n_a · n_b` for which the exact distribution is computed.
pub const EXACT_MAX_PRODUCT: usize = 2500;

/// How a p-value was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PMethod {
    /// The exact null distribution of U (no ties, small samples).
    Exact,
    /// The normal approximation (tie- and continuity-corrected).
    Normal,
}

/// The outcome of a two-sided Mann–Whitney U test of `a` against `b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MannWhitney {
    /// U of sample `a`: pairs (x from a, y from b) with x > y, ties counting ½.
    pub u_a: f64,
    /// Standardised U (continuity-corrected); positive when `a` tends to be larger.
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// How `p_value` was computed.
    pub method: PMethod,
}

/// Rank sum of `a` in the pooled sample (ties get their mean rank) and the
/// tie term Σ(t³ − t) over tie groups.
fn rank_sum(a: &[f64], b: &[f64]) -> (f64, f64) {
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
    (rank_sum_a, tie_term)
}

/// Two-sided Mann–Whitney U test; exact for small samples without ties,
/// normal approximation otherwise. `None` when either sample is empty.
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    let normal = mann_whitney_u_normal(a, b)?;
    let (_, tie_term) = rank_sum(a, b);
    if tie_term == 0.0 && a.len() * b.len() <= EXACT_MAX_PRODUCT {
        let p_value = exact_two_sided_p(a.len(), b.len(), normal.u_a);
        return Some(MannWhitney {
            p_value,
            method: PMethod::Exact,
            ..normal
        });
    }
    Some(normal)
}

/// Two-sided Mann–Whitney U test, normal approximation with tie and
/// continuity corrections. `None` when either sample is empty.
///
/// U_a = R_a − n_a(n_a+1)/2 where R_a is the rank sum of `a` in the pooled
/// sample (ties get their mean rank); under the null hypothesis U_a has mean
/// n_a·n_b/2 and variance n_a·n_b/12 · ((n+1) − Σ(t³−t)/(n(n−1))) with `t`
/// the size of each tie group. When every value is tied the variance is 0
/// and p = 1.
pub fn mann_whitney_u_normal(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let n = na + nb;
    let (rank_sum_a, tie_term) = rank_sum(a, b);
    let u_a = rank_sum_a - na * (na + 1.0) / 2.0;
    let mean = na * nb / 2.0;
    let variance = na * nb / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        return Some(MannWhitney {
            u_a,
            z: 0.0,
            p_value: 1.0,
            method: PMethod::Normal,
        });
    }
    let diff = u_a - mean;
    let z = diff.signum() * (diff.abs() - 0.5).max(0.0) / variance.sqrt();
    let p_value = erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0);
    Some(MannWhitney {
        u_a,
        z,
        p_value,
        method: PMethod::Normal,
    })
}

/// Number of orderings of `m` values of one side and `n` of the other for
/// each U = 0..=m·n (the coefficients of the Gaussian binomial [m+n, m]).
fn u_counts(m: usize, n: usize) -> Vec<f64> {
    // counts[j][u]: arrangements of i values of a and j of b with U = u,
    // for the current i; adding one value of a above all j of b adds j to U.
    let mut counts: Vec<Vec<f64>> = (0..=n).map(|_| vec![1.0]).collect();
    for i in 1..=m {
        let mut next: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
        next.push(vec![1.0]); // j = 0: U is 0
        for j in 1..=n {
            // The largest value is either from a (U gains j) or from b.
            let mut c = vec![0.0; i * j + 1];
            for (u, &x) in counts[j].iter().enumerate() {
                c[u + j] += x;
            }
            for (u, &x) in next[j - 1].iter().enumerate() {
                c[u] += x;
            }
            next.push(c);
        }
        counts = next;
    }
    counts.swap_remove(n)
}

/// Exact two-sided p of U = `u` for samples of `m` and `n`: twice the
/// smaller tail, at most 1.
fn exact_two_sided_p(m: usize, n: usize, u: f64) -> f64 {
    let counts = u_counts(m, n);
    let total: f64 = counts.iter().sum();
    let u = u.round() as usize;
    let below: f64 = counts[..=u.min(counts.len() - 1)].iter().sum();
    let above: f64 = counts[u.min(counts.len() - 1)..].iter().sum();
    (2.0 * below.min(above) / total).min(1.0)
}

/// The complementary error function (statrs's, to double precision).
pub fn erfc(x: f64) -> f64 {
    statrs::function::erf::erfc(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, tol: f64) -> bool {
        (x - y).abs() <= tol
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
    fn separated_samples_of_three_normal() {
        let t = mann_whitney_u_normal(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap();
        assert_eq!(t.u_a, 0.0);
        assert!(close(t.z, -1.745_743, 1e-5), "{t:?}");
        assert!(close(t.p_value, 0.080_856, 1e-5), "{t:?}");
        // Swapping the sides mirrors U and z, not p.
        let s = mann_whitney_u_normal(&[4.0, 5.0, 6.0], &[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.u_a, 9.0);
        assert!(close(s.z, 1.745_743, 1e-5));
        assert!(close(s.p_value, t.p_value, 1e-12));
    }

    /// Exactly: of the C(6,3) = 20 orderings one has U = 0, so the
    /// two-sided p is 2/20 (R: `wilcox.test(1:3, 4:6)$p.value` = 0.1).
    #[test]
    fn separated_samples_of_three_exact() {
        let t = mann_whitney_u(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap();
        assert_eq!(t.method, PMethod::Exact);
        assert!(close(t.p_value, 0.1, 1e-12), "{t:?}");
        let s = mann_whitney_u(&[4.0, 5.0, 6.0], &[1.0, 2.0, 3.0]).unwrap();
        assert!(close(s.p_value, 0.1, 1e-12), "{s:?}");
    }

    /// Seven against seven, fully separated: 2 / C(14,7) = 2/3432 = 0.000583
    /// (R: `wilcox.test(1:7, 8:14)$p.value`); one value out of order (U = 1):
    /// 4/3432 = 0.001166; and U = 4: counts of U ≤ 4 are 1,1,2,3,5 → 24/3432.
    #[test]
    fn seven_against_seven_exact() {
        let a: Vec<f64> = (1..=7).map(f64::from).collect();
        let b: Vec<f64> = (8..=14).map(f64::from).collect();
        let t = mann_whitney_u(&a, &b).unwrap();
        assert!(close(t.p_value, 2.0 / 3432.0, 1e-12), "{t:?}");
        let mut a1 = a.clone();
        a1[6] = 8.5; // one value of a above one of b
        let t = mann_whitney_u(&a1, &b).unwrap();
        assert_eq!(t.u_a, 1.0);
        assert!(close(t.p_value, 4.0 / 3432.0, 1e-12), "{t:?}");
        let counts = u_counts(7, 7);
        assert_eq!(&counts[..5], &[1.0, 1.0, 2.0, 3.0, 5.0]);
        assert_eq!(counts.iter().sum::<f64>(), 3432.0);
    }

    #[test]
    fn exact_distribution_is_symmetric_and_complete() {
        for (m, n) in [(1, 1), (2, 5), (4, 4), (5, 9), (12, 3)] {
            let c = u_counts(m, n);
            assert_eq!(c.len(), m * n + 1);
            let total: f64 = c.iter().sum();
            let binom = (1..=m).fold(1.0, |acc, i| acc * (n + i) as f64 / i as f64);
            assert!(close(total, binom, 1e-6), "{m} {n}");
            for u in 0..c.len() {
                assert_eq!(c[u], c[c.len() - 1 - u], "{m} {n} {u}");
            }
        }
        // Identical samples (no ties inside a side, ties across): normal.
        let t = mann_whitney_u(&[1.0, 2.0], &[1.0, 2.0]).unwrap();
        assert_eq!(t.method, PMethod::Normal);
        assert_eq!(t.p_value, 1.0);
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
        assert_eq!(t.method, PMethod::Normal);
        assert_eq!(t.u_a, 2.5);
        assert!(close(t.z, -1.488_351, 1e-5), "{t:?}");
        assert!(close(t.p_value, 0.136_658, 1e-5), "{t:?}");
    }

    /// Ten against ten, fully separated, normal approximation: U_a = 0,
    /// mean 50, σ = √(100/12 · 21) = 13.228757; z = −49.5/σ = −3.741848;
    /// p = erfc(3.741848/√2) = 0.000183 < 0.01.
    #[test]
    fn ten_against_ten_separated_is_significant_at_one_percent() {
        let a: Vec<f64> = (0..10).map(|i| 10.0 + i as f64 * 0.1).collect();
        let b: Vec<f64> = (0..10).map(|i| 20.0 + i as f64 * 0.1).collect();
        let t = mann_whitney_u_normal(&a, &b).unwrap();
        assert_eq!(t.u_a, 0.0);
        assert!(close(t.z, -3.741_848, 1e-5), "{t:?}");
        assert!(close(t.p_value, 0.000_183, 2e-6), "{t:?}");
        // Exactly: 2 / C(20,10) = 2/184756.
        let e = mann_whitney_u(&a, &b).unwrap();
        assert!(close(e.p_value, 2.0 / 184_756.0, 1e-12), "{e:?}");
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
