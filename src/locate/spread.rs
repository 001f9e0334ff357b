//! How evenly keys spread over buckets: pure functions of the bucket counts.
//!
//! With `counts[i]` keys in bucket `i`, N = Σ counts and M = counts.len():
//!
//! - [`entropy_bits`]: Shannon entropy of p_i = counts\[i\] / N, in bits. At
//!   most [`ideal_bits`] = log2 M (every bucket equally full); 0 when one
//!   bucket holds everything. Even an ideal random hash falls short of log2 M
//!   by about (M − 1) / (2 N ln 2) bits, from sampling noise alone (0.0007
//!   bits for 10^6 keys in 1024 buckets, 0.003 for 4096);
//! - [`max_chain`], [`mean_chain`] (over non-empty buckets), [`empty_buckets`];
//! - [`chi2`]: Pearson's statistic against the uniform expectation N / M, and
//!   [`chi2_p`]: its p-value, the upper tail of chi-squared with M − 1 degrees
//!   of freedom. A good hash gives p-values spread uniformly over (0, 1); a
//!   tiny p-value (say below 0.001) means the buckets are less even than
//!   chance explains.
//!
//! The chi-squared tail is the regularised upper incomplete gamma function
//! Q(k/2, x/2), from the `statrs` crate (Cephes' series and continued
//! fraction), checked below against mpmath's values.

use std::collections::BTreeMap;

/// Counts per bucket of the bucket indices in `indices` (each `< buckets`).
pub fn bucket_counts(indices: impl IntoIterator<Item = u64>, buckets: usize) -> Vec<u64> {
    let mut counts = vec![0u64; buckets];
    for i in indices {
        counts[i as usize] += 1;
    }
    counts
}

/// Distinct count values and how many buckets have each, ascending.
fn count_histogram(counts: &[u64]) -> BTreeMap<u64, u64> {
    let mut h = BTreeMap::new();
    for &c in counts {
        *h.entry(c).or_insert(0u64) += 1;
    }
    h
}

/// Total keys: the sum of the counts.
pub fn total(counts: &[u64]) -> u64 {
    counts.iter().sum()
}

/// Shannon entropy of the distribution `counts[i] / N`, in bits (0 if N = 0).
///
/// Buckets with equal counts are summed as one term, so a perfectly even
/// distribution over k non-empty buckets gives exactly `log2(k)`.
pub fn entropy_bits(counts: &[u64]) -> f64 {
    let n = total(counts);
    if n == 0 {
        return 0.0;
    }
    let nf = n as f64;
    count_histogram(counts)
        .into_iter()
        .filter(|&(c, _)| c > 0)
        .map(|(c, k)| {
            // k buckets of c keys: k·(c/N)·log2(N/c), with k·c exact.
            let share = (k as u128 * c as u128) as f64 / nf;
            share * (nf / c as f64).log2()
        })
        .sum()
}

/// The largest possible entropy over `buckets` buckets: log2 of the count.
pub fn ideal_bits(buckets: u64) -> f64 {
    (buckets as f64).log2()
}

/// The fullest bucket's count (0 for no buckets).
pub fn max_chain(counts: &[u64]) -> u64 {
    counts.iter().copied().max().unwrap_or(0)
}

/// Mean count over non-empty buckets (0 if every bucket is empty).
pub fn mean_chain(counts: &[u64]) -> f64 {
    let nonempty = counts.len() as u64 - empty_buckets(counts);
    if nonempty == 0 {
        0.0
    } else {
        total(counts) as f64 / nonempty as f64
    }
}

/// Buckets holding no key.
pub fn empty_buckets(counts: &[u64]) -> u64 {
    counts.iter().filter(|&&c| c == 0).count() as u64
}

/// Pearson's chi-squared statistic of `counts` against a uniform spread
/// (0 if there are no keys or no buckets).
pub fn chi2(counts: &[u64]) -> f64 {
    let n = total(counts);
    if n == 0 || counts.is_empty() {
        return 0.0;
    }
    let expected = n as f64 / counts.len() as f64;
    count_histogram(counts)
        .into_iter()
        .map(|(c, k)| {
            let d = c as f64 - expected;
            k as f64 * d * d / expected
        })
        .sum()
}

/// The p-value of a chi-squared statistic `x` with `df` degrees of freedom:
/// P(X ≥ x). With no degree of freedom (one bucket) the test does not
/// exist: every spread is the same spread, so there is no p-value (`None`),
/// not a p of 1.
pub fn chi2_p(x: f64, df: u64) -> Option<f64> {
    if df == 0 {
        return None;
    }
    Some(gamma_q(df as f64 / 2.0, x.max(0.0) / 2.0))
}

/// The chi-squared distribution function: P(X ≤ x) with `df ≥ 1` degrees of freedom.
pub fn chi2_cdf(x: f64, df: u64) -> f64 {
    gamma_p(df as f64 / 2.0, x.max(0.0) / 2.0)
}

// The incomplete gamma and log-gamma functions are statrs's (Cephes'
// algorithms); these wrappers keep this module's domain rules: NaN outside
// `a > 0`, `x >= 0`, and the exact values at `x = 0` that statrs refuses.

/// The regularised lower incomplete gamma function P(a, x), `a > 0`, `x ≥ 0`
/// (NaN outside that domain).
pub fn gamma_p(a: f64, x: f64) -> f64 {
    if a.is_nan() || x.is_nan() || a <= 0.0 || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return 0.0;
    }
    statrs::function::gamma::checked_gamma_lr(a, x).unwrap_or(f64::NAN)
}

/// The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x),
/// `a > 0`, `x ≥ 0` (NaN outside that domain).
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if a.is_nan() || x.is_nan() || a <= 0.0 || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return 1.0;
    }
    statrs::function::gamma::checked_gamma_ur(a, x).unwrap_or(f64::NAN)
}

/// ln Γ(x) for `x > 0`.
pub fn ln_gamma(x: f64) -> f64 {
    statrs::function::gamma::ln_gamma(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn uniform_distribution_has_exactly_the_ideal_entropy() {
        for m in [1usize, 2, 3, 10, 1000, 1024, 4096, 100_003] {
            for per in [1u64, 7, 1000] {
                let counts = vec![per; m];
                assert_eq!(
                    entropy_bits(&counts),
                    ideal_bits(m as u64),
                    "m {m} per {per}"
                );
                assert_eq!(chi2(&counts), 0.0);
                assert_eq!(chi2_p(0.0, m as u64 - 1), (m > 1).then_some(1.0));
                assert_eq!(max_chain(&counts), per);
                assert_eq!(mean_chain(&counts), per as f64);
                assert_eq!(empty_buckets(&counts), 0);
            }
        }
        assert_eq!(ideal_bits(1024), 10.0);
        assert_eq!(ideal_bits(4096), 12.0);
    }

    #[test]
    fn everything_in_one_bucket_has_zero_entropy_and_p_near_zero() {
        let mut counts = vec![0u64; 1024];
        counts[17] = 100_000;
        assert_eq!(entropy_bits(&counts), 0.0);
        assert_eq!(max_chain(&counts), 100_000);
        assert_eq!(mean_chain(&counts), 100_000.0);
        assert_eq!(empty_buckets(&counts), 1023);
        let x = chi2(&counts);
        // (N − E)²/E + (M − 1)·E with E = N/M is N·(M − 1).
        assert!(close(x, 100_000.0 * 1023.0, 1e-12), "{x}");
        assert!(chi2_p(x, 1023).unwrap() < 1e-300);
    }

    #[test]
    fn entropy_of_a_known_skew() {
        // p = (1/2, 1/4, 1/4): H = 1.5 bits.
        assert!(close(entropy_bits(&[2, 1, 1]), 1.5, 1e-15));
        // Empty buckets add nothing.
        assert!(close(entropy_bits(&[2, 0, 1, 1, 0]), 1.5, 1e-15));
        assert_eq!(entropy_bits(&[0, 0]), 0.0);
        assert_eq!(entropy_bits(&[]), 0.0);
    }

    #[test]
    fn chi2_of_a_small_table() {
        // E = 10: (5² + 5² + 0) / 10 = 5.
        assert!(close(chi2(&[5, 15, 10]), 5.0, 1e-15));
        assert_eq!(bucket_counts([0, 2, 2, 1, 2], 4), vec![1, 1, 3, 0]);
    }

    // Reference values: mpmath 1.3 (30 significant digits), `gammainc(k/2, 0, x/2, regularized=True)`.
    #[test]
    fn chi2_cdf_matches_reference_values() {
        let cases: [(f64, u64, f64); 10] = [
            (3.84, 1, 0.949_956_478_751_294_9),
            (3.841_458_820_694_124, 1, 0.95),
            (124.34, 100, 0.949_986_659_453_693_8),
            (124.342, 100, 0.949_999_284_230_028_2),
            (2.0, 2, 0.632_120_558_828_557_7),
            (0.5, 3, 0.081_108_588_345_324_14),
            (1023.0, 1023, 0.505_879_910_132_727),
            (4095.0, 4095, 0.502_938_854_147_465_3),
            (1_000_000.0, 1_000_000, 0.500_188_063_196_605_5),
            (1_002_326.0, 1_000_000, 0.949_904_482_776_597_1),
        ];
        for (x, df, want) in cases {
            let got = chi2_cdf(x, df);
            assert!(
                close(got, want, 1e-9),
                "cdf({x}, {df}) = {got}, want {want}"
            );
            let p = chi2_p(x, df).unwrap();
            assert!(close(p, 1.0 - want, 1e-8), "p({x}, {df}) = {p}");
        }
        // Deep tail: mpmath gives 0.918891411654675866 for the upper tail here.
        assert!(close(
            chi2_p(0.5, 3).unwrap(),
            0.918_891_411_654_675_9,
            1e-12
        ));
    }

    #[test]
    fn gamma_functions_reject_bad_input_and_handle_edges() {
        assert!(gamma_p(0.0, 1.0).is_nan());
        assert!(gamma_q(1.0, -1.0).is_nan());
        assert!(gamma_p(1.0, f64::NAN).is_nan());
        assert_eq!(gamma_p(3.0, 0.0), 0.0);
        assert_eq!(gamma_q(3.0, 0.0), 1.0);
        assert_eq!(chi2_p(5.0, 0), None);
        // P(1, x) = 1 − e^(−x).
        for x in [0.1, 1.0, 2.5, 10.0, 40.0] {
            assert!(close(gamma_p(1.0, x), 1.0 - (-x).exp(), 1e-14));
        }
    }

    #[test]
    fn ln_gamma_matches_reference_values() {
        // mpmath loggamma.
        let cases = [
            (1.0, 0.0),
            (0.5, 0.572_364_942_924_700_1),
            (10.0, 12.801_827_480_081_469),
            (100.0, 359.134_205_369_575_4),
            (1e6, 12_815_504.569_147_612),
            (524_287.5, 6_380_465.980_169_816),
        ];
        for (x, want) in cases {
            let got = ln_gamma(x);
            assert!(
                (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                "lnΓ({x}) = {got}, want {want}"
            );
        }
        // Reflection branch: Γ(0.25) = 3.625609908221908...
        assert!(close(ln_gamma(0.25), 3.625_609_908_221_908_f64.ln(), 1e-14));
    }
}
