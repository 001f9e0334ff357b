//! Behaviour tests of `mapamp locate`: the command's output and errors, and
//! the source article's uniformity claim checked on figures computed here.

use mapamp::locate::{self, spread, Combination, HashFn, IndexFn, KeyKind, LocateConfig};
use mapamp::rng::Rng;
use std::process::{Command, Output};

fn mapamp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args(args)
        .output()
        .expect("mapamp runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn json_output_has_every_field() {
    let o = mapamp(&[
        "locate",
        "--hash",
        "sip13",
        "--index",
        "fastrange",
        "--keys",
        "u64",
        "--n",
        "20000",
        "--buckets",
        "1000",
        "--seed",
        "7",
        "--repetitions",
        "3",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is one JSON object");
    assert_eq!(v["hash"], "sip13");
    assert_eq!(v["index"], "fastrange");
    assert_eq!(v["keys"], "u64");
    assert_eq!(v["n"], 20000);
    assert_eq!(v["buckets"], 1000);
    assert_eq!(v["seed"], 7);
    assert_eq!(v["repetitions"], 3);
    assert_eq!(v["chi2_df"], 999);
    for f in [
        "entropy_bits",
        "ideal_bits",
        "mean_chain",
        "chi2",
        "chi2_p",
        "ns_per_locate",
        "ns_per_locate_min",
        "ns_per_locate_max",
        "mean_key_bytes",
    ] {
        assert!(v[f].is_f64(), "{f} is a number: {v}");
    }
    for f in ["max_chain", "empty_buckets"] {
        assert!(v[f].is_u64(), "{f} is a count: {v}");
    }
    let (h, ideal) = (
        v["entropy_bits"].as_f64().unwrap(),
        v["ideal_bits"].as_f64().unwrap(),
    );
    assert!(h <= ideal && ideal - h < 0.05, "entropy {h} of {ideal}");
    let p = v["chi2_p"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
}

#[test]
fn text_output_shows_entropy_against_the_ideal() {
    let o = mapamp(&["locate", "--n", "20000", "--repetitions", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("fnv1a + modulo"), "{t}");
    assert!(t.contains("bits of 10.0000 ideal"), "{t}");
    assert!(t.contains("ns/locate (median of 2 repetitions"), "{t}");
}

#[test]
fn mask_with_a_non_power_of_two_is_refused_with_the_alternatives() {
    let o = mapamp(&[
        "locate",
        "--index",
        "mask",
        "--buckets",
        "1000",
        "--n",
        "10",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("buckets = 1000"), "{e}");
    assert!(e.contains("modulo") && e.contains("fastrange"), "{e}");
}

#[test]
fn unknown_names_are_refused_with_the_valid_choices() {
    let o = mapamp(&["locate", "--hash", "md5"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("md5"), "{e}");
    assert!(e.contains("fnv1a, sip13, foldhash, xxh3, model"), "{e}");

    let o = mapamp(&["locate", "--index", "xor"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("mask, modulo, fastrange"),
        "{}",
        stderr(&o)
    );

    let o = mapamp(&["locate", "--keys", "uuid"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("u64, strings"), "{}", stderr(&o));
}

#[test]
fn zero_keys_and_too_many_keys_are_refused() {
    let o = mapamp(&["locate", "--n", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("n must be at least 1"),
        "{}",
        stderr(&o)
    );

    // 10^15 string keys need petabytes: refused before anything is allocated.
    let o = mapamp(&["locate", "--n", "1000000000000000"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("MiB") && e.contains("smaller --n"), "{e}");
}

/// The entropy of `n` keys thrown into `m` buckets by a random number
/// generator: what a perfect hash would give, up to sampling noise.
fn random_assignment_entropy(n: usize, m: u64, seed: u64) -> f64 {
    let mut rng = Rng::new(seed);
    spread::entropy_bits(&spread::bucket_counts(
        (0..n).map(|_| rng.below(m)),
        m as usize,
    ))
}

/// The article: "FNV-1a + modulo gives near-uniform buckets" for random strings.
/// Checked at 200k keys (the article used 1M) so the test takes a moment.
#[test]
fn article_claim_fnv1a_modulo_is_near_uniform_for_random_strings() {
    let n = 200_000;
    for buckets in [1024u64, 4096] {
        let r = locate::locate(&LocateConfig {
            what: Combination {
                hash: HashFn::Fnv1a,
                index: IndexFn::Modulo,
                keys: KeyKind::Strings,
                n,
                buckets,
                seed: 1,
            },
            repetitions: 3,
        })
        .unwrap();
        // As even as a random assignment of the same number of keys.
        let reference = random_assignment_entropy(n, buckets, 99);
        assert!(
            (r.entropy_bits - reference).abs() < 0.002,
            "{buckets} buckets: fnv1a {} bits, random assignment {reference} bits",
            r.entropy_bits
        );
        // And no evidence against uniformity.
        assert!(
            r.chi2_p.unwrap() > 0.001,
            "{buckets} buckets: chi2 p = {:?}",
            r.chi2_p
        );
        if buckets == 1024 {
            assert!(
                r.ideal_bits - r.entropy_bits < 0.01,
                "entropy {} of {}",
                r.entropy_bits,
                r.ideal_bits
            );
        }
        assert_eq!(r.empty_buckets, 0);
        assert!(r.ns_per_locate > 0.0);
    }
}
