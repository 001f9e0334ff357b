//! What `mapamp locate` reports: [`LocateReport`], as text or JSON.

use super::Combination;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The measured spread and speed of one (hash, index, key kind) combination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocateReport {
    /// The combination located.
    #[serde(flatten)]
    pub what: Combination,
    /// Mean key length in bytes.
    pub mean_key_bytes: f64,
    /// Shannon entropy of the bucket distribution, in bits.
    pub entropy_bits: f64,
    /// log2 M: the entropy of a perfectly even spread.
    pub ideal_bits: f64,
    /// Keys in the fullest bucket.
    pub max_chain: u64,
    /// Mean keys per non-empty bucket.
    pub mean_chain: f64,
    /// Buckets with no key.
    pub empty_buckets: u64,
    /// Pearson's chi-squared statistic against a uniform spread.
    pub chi2: f64,
    /// Its degrees of freedom, M − 1.
    pub chi2_df: u64,
    /// Its p-value: the chance a uniform random spread deviates at least
    /// this much; `null` with one bucket (0 degrees of freedom: no test).
    pub chi2_p: Option<f64>,
    /// Median over repetitions of ns per locate (hash + index).
    pub ns_per_locate: f64,
    /// Fastest repetition, ns per locate.
    pub ns_per_locate_min: f64,
    /// Slowest repetition, ns per locate.
    pub ns_per_locate_max: f64,
    /// Timed repetitions of the whole key set (after one warm-up pass).
    pub repetitions: usize,
}

/// The report as pretty-printed JSON.
pub fn render_json(r: &LocateReport) -> String {
    serde_json::to_string_pretty(r).expect("a locate report serialises")
}

/// A summary for a person at a terminal.
pub fn render_text(r: &LocateReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "locate: {} + {}, {} keys ({}, mean {:.1} bytes, seed {}) into {} buckets",
        r.what.hash,
        r.what.index,
        r.what.n,
        r.what.keys,
        r.mean_key_bytes,
        r.what.seed,
        r.what.buckets
    );
    let _ = writeln!(
        s,
        "  entropy        {:.4} bits of {:.4} ideal (short by {:.4})",
        r.entropy_bits,
        r.ideal_bits,
        r.ideal_bits - r.entropy_bits
    );
    let _ = match r.chi2_p {
        Some(p) => writeln!(
            s,
            "  chi-squared    {:.1} with {} df, p = {p:.4}",
            r.chi2, r.chi2_df
        ),
        None => writeln!(
            s,
            "  chi-squared    {:.1} with 0 df, p = n/a (one bucket: there is no spread to test)",
            r.chi2
        ),
    };
    let _ = writeln!(
        s,
        "  chains         max {}, mean {:.2} over non-empty buckets, {} empty",
        r.max_chain, r.mean_chain, r.empty_buckets
    );
    let _ = writeln!(
        s,
        "  time           {:.2} ns/locate (median of {} repetitions; min {:.2}, max {:.2})",
        r.ns_per_locate, r.repetitions, r.ns_per_locate_min, r.ns_per_locate_max
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::{HashFn, IndexFn, KeyKind};

    fn sample() -> LocateReport {
        LocateReport {
            what: Combination {
                hash: HashFn::Fnv1a,
                index: IndexFn::Modulo,
                keys: KeyKind::Strings,
                n: 1000,
                buckets: 1024,
                seed: 1,
            },
            mean_key_bytes: 20.0,
            entropy_bits: 9.985_62,
            ideal_bits: 10.0,
            max_chain: 7,
            mean_chain: 1.6,
            empty_buckets: 400,
            chi2: 1000.0,
            chi2_df: 1023,
            chi2_p: Some(0.7),
            ns_per_locate: 8.0,
            ns_per_locate_min: 7.5,
            ns_per_locate_max: 9.0,
            repetitions: 11,
        }
    }

    #[test]
    fn text_shows_entropy_to_four_decimals_against_the_ideal() {
        let t = render_text(&sample());
        assert!(t.contains("9.9856 bits of 10.0000 ideal"), "{t}");
        assert!(t.contains("fnv1a + modulo"), "{t}");
        assert!(t.contains("median of 11 repetitions"), "{t}");
    }

    #[test]
    fn json_round_trips_with_names() {
        let j = render_json(&sample());
        assert!(j.contains("\"hash\": \"fnv1a\""), "{j}");
        assert!(j.contains("\"keys\": \"strings\""), "{j}");
        let back: LocateReport = serde_json::from_str(&j).unwrap();
        assert_eq!(back, sample());
    }
}
