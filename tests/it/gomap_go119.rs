//! Fidelity: the model against figures measured from the real Go 1.19
//! runtime (`data/go119/`, produced by `go/cmd/goreference`).
//!
//! Deterministic behaviour (growth points, hint → B, preallocated overflow
//! counts, bucket sizes) must be equal. Statistics of random-key tables must
//! agree within noise: |mean_model − mean_go| ≤ 4 standard errors of the
//! difference (20 seeds on each side), plus a small absolute slack.

use mapamp::accounting::Counting;
use mapamp::gomap::{b_for_hint, Knobs};
use mapamp::gotype::{BucketType, Shape};
use mapamp::hash::SeededHash;
use mapamp::pod::{Blob, Pod};
use mapamp::variants::typed::TypedGo;
use mapamp::workload;
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/data/go119/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, var.sqrt())
}

fn assert_close(what: &str, model: &[f64], go: &Value, slack: f64) {
    let (mm, msd) = mean_sd(model);
    let gm = go["mean"].as_f64().unwrap();
    let gsd = go["stddev"].as_f64().unwrap();
    let n = model.len() as f64;
    let se = (msd * msd / n + gsd * gsd / 20.0).sqrt();
    let tol = 4.0 * se + slack;
    assert!(
        (mm - gm).abs() <= tol,
        "{what}: model {mm:.4} ± {msd:.4}, Go {gm:.4} ± {gsd:.4}, |diff| {:.4} > tolerance {tol:.4}",
        (mm - gm).abs()
    );
}

type M = TypedGo<Blob<1>, Blob<1>, SeededHash, Counting>;

fn new_map(seed: u64) -> M {
    TypedGo::with_config(Knobs::default(), 0, seed, SeededHash)
}

#[test]
fn hint_to_b_equals_go() {
    let d = load("hint_b.json");
    for t in d["transitions"].as_array().unwrap() {
        let hint = t["hint"].as_u64().unwrap() as usize;
        let b = t["b"].as_u64().unwrap() as u8;
        assert_eq!(b_for_hint(hint, 6.5), b, "hint {hint}");
        if hint > 0 {
            assert!(
                b_for_hint(hint - 1, 6.5) < b || b == 0,
                "hint {} should give less than {b}",
                hint - 1
            );
        }
    }
    for t in d["spot_checks"].as_array().unwrap() {
        let hint = t["hint"].as_u64().unwrap() as usize;
        assert_eq!(
            b_for_hint(hint, 6.5) as u64,
            t["b"].as_u64().unwrap(),
            "hint {hint}"
        );
    }
    // And the map really allocates that many buckets at creation.
    let m: M = TypedGo::with_config(Knobs::default(), 1000, 1, SeededHash);
    assert_eq!(m.structure().buckets, 256);
}

#[test]
fn growth_starts_at_the_same_counts_as_go() {
    let d = load("growth_points.json");
    let starts: Vec<u64> = d["growth_start_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let inserts = d["inserts"].as_u64().unwrap();
    let mut m = new_map(1);
    let mut model_starts = vec![];
    let mut grows = 0;
    for id in 1..=inserts {
        m.insert(Blob::from_id(id), Blob::from_id(id));
        let g = m.probe().0.doubling_grows + m.probe().0.same_size_grows;
        if g != grows {
            model_starts.push(id);
            grows = g;
        }
    }
    assert_eq!(model_starts, starts);
    // B after every transition row of Go's sequential run.
    let mut m = new_map(2);
    let rows = d["sequential_keys_transitions"].as_array().unwrap();
    let mut next = 0;
    for id in 1..=inserts {
        m.insert(Blob::from_id(id), Blob::from_id(id));
        if next < rows.len() && rows[next]["count"].as_u64().unwrap() == id {
            assert_eq!(
                m.b() as u64,
                rows[next]["b"].as_u64().unwrap(),
                "B after {id} inserts"
            );
            next += 1;
        }
    }
    assert_eq!(next, rows.len());
}

#[test]
fn bucket_sizes_and_preallocated_overflow_equal_go() {
    let d = load("prealloc_overflow.json");
    let rows = d["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 36);
    for r in rows {
        let ks = r["key_size"].as_u64().unwrap() as usize;
        let vs = r["value_size"].as_u64().unwrap() as usize;
        let t = BucketType::new(Shape::words(ks / 8), Shape::words(vs / 8), 128);
        assert_eq!(
            t.bucket_size as u64,
            r["bucketsize"].as_u64().unwrap(),
            "k{ks}v{vs}"
        );
        assert_eq!(
            t.pointers,
            r["has_pointers"].as_bool().unwrap(),
            "k{ks}v{vs}"
        );
        for (b, go) in r["prealloc_overflow_by_b"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let total = mapamp::gomap::buckets_allocated(b as u8, t.bucket_size as u64, true);
            assert_eq!(
                (total - (1usize << b)) as u64,
                go.as_u64().unwrap(),
                "k{ks}v{vs} B={b}"
            );
        }
    }
}

#[test]
fn maximally_loaded_tables_match_go() {
    let d = load("loaded_stats.json");
    for res in d["results"].as_array().unwrap() {
        let b = res["summary"]["b"]["mean"].as_u64().unwrap() as u8;
        let count = res["summary"]["count"]["mean"].as_u64().unwrap() as usize;
        let (mut pct, mut ovf, mut hit, mut over) = (vec![], vec![], vec![], vec![]);
        for seed in 1..=20 {
            let mut m = new_map(seed);
            workload::insert(&mut m.map, count, workload::KeyDist::Random, seed);
            let s = m.structure();
            assert_eq!((s.b, s.growing), (b, false));
            assert_eq!(s.missprobe, 6.5);
            pct.push(s.pct_buckets_with_overflow);
            ovf.push(s.overflow_buckets as f64);
            hit.push(s.hitprobe);
            over.push(s.overhead_bytes_per_entry);
        }
        let sum = &res["summary"];
        assert_close(
            &format!("B={b} %overflow"),
            &pct,
            &sum["pct_buckets_with_overflow"],
            0.05,
        );
        assert_close(
            &format!("B={b} overflow buckets"),
            &ovf,
            &sum["overflow_buckets"],
            1.0,
        );
        assert_close(&format!("B={b} hitprobe"), &hit, &sum["hitprobe"], 0.002);
        assert_close(
            &format!("B={b} bytes/entry"),
            &over,
            &sum["overhead_bytes_per_entry"],
            0.01,
        );
    }
}

fn churn_matches(results: &Value, max_ops: usize) {
    for res in results.as_array().unwrap() {
        let n = res["n"].as_u64().unwrap() as usize;
        let rounds = res["rounds"].as_u64().unwrap() as usize;
        let k = res["ops_per_round"].as_u64().unwrap() as usize;
        let sum = &res["summary"];
        // Fewer seeds for the largest runs keeps the test quick; the
        // tolerance widens accordingly (it uses the model's seed count).
        let seeds = (max_ops / (n + rounds * k * 2)).clamp(3, 20) as u64;
        let (mut same, mut dbl, mut ovf, mut pct, mut hit, mut b) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        for seed in 1..=seeds {
            let mut m = new_map(seed);
            workload::churn(&mut m.map, n, rounds, k, seed);
            let s = m.structure();
            let a = &m.probe().0;
            same.push(a.same_size_grows as f64);
            dbl.push(a.doubling_grows as f64);
            ovf.push(s.overflow_buckets as f64);
            pct.push(s.pct_buckets_with_overflow);
            hit.push(s.hitprobe);
            b.push(s.b as f64);
        }
        let what = format!("churn n={n} rounds={rounds}");
        assert_close(&format!("{what} B"), &b, &sum["b"], 0.0);
        assert_close(
            &format!("{what} doubling grows"),
            &dbl,
            &sum["doubling_grows"],
            0.0,
        );
        assert_close(
            &format!("{what} same-size grows"),
            &same,
            &sum["same_size_grows"],
            0.0,
        );
        assert_close(
            &format!("{what} overflow buckets"),
            &ovf,
            &sum["overflow_buckets"],
            0.5,
        );
        assert_close(
            &format!("{what} %overflow"),
            &pct,
            &sum["pct_buckets_with_overflow"],
            0.1,
        );
        assert_close(&format!("{what} hitprobe"), &hit, &sum["hitprobe"], 0.002);
    }
}

#[test]
fn churn_workloads_match_go() {
    churn_matches(&load("churn_stats.json")["results"], 50_000_000);
}

#[test]
fn long_churn_same_size_growth_matches_go() {
    // 200 rounds: Go grows same-size 0.25 (n=1000), 2 (n=10^4), 8 (n=10^5) times per run.
    churn_matches(&load("churn_stats.json")["long_churn_results"], 20_000_000);
}

#[test]
fn first_inserts_into_an_empty_map_are_counted_exactly() {
    let mut m = new_map(3);
    // 8 inserts fill the first bucket: one zeroed 144-byte bucket, 8 slot copies of 17 bytes.
    for id in 0..8 {
        m.insert(Blob::from_id(id), Blob::from_id(id));
    }
    let a = m.probe().0.clone();
    assert_eq!(a.bytes_written.zero_fill, 144);
    assert_eq!(a.bytes_written.assign, 8 * 17);
    assert_eq!(a.bytes_written.total(), 144 + 136);
    assert_eq!(a.payload_bytes, 8 * 16);
    assert_eq!(a.write_amplification(), Some(280.0 / 128.0));
    assert_eq!(a.model_allocations, 1);
    // The 9th doubles to 2 buckets (288 zeroed bytes) and evacuates the old
    // bucket at once: 8 marker bytes + 8 entries x 17 bytes.
    m.insert(Blob::from_id(8), Blob::from_id(8));
    let a = m.probe().0.clone();
    assert_eq!(a.bytes_written.zero_fill, 144 + 288);
    assert_eq!(a.bytes_written.evacuate_double, 8 + 8 * 17);
    assert_eq!(a.bytes_written.assign, 9 * 17);
    assert_eq!(a.doubling_grows, 1);
    assert!(!m.growing());
    assert_eq!(Blob::<1>::BYTES, 8);
}
