//! The Go Swiss-map model (`goswiss`) against the real Go 1.26 runtime.
//!
//! Reference data: `tests/data/go126/*.json`, written by `go/cmd/swissref`
//! (reads `maps.Map` and its tables through `unsafe`; see its doc), built
//! with the machine's Go 1.26:
//!
//! ```sh
//! cd go && go run ./cmd/swissref -out ../tests/data/go126
//! ```
//!
//! Deterministic figures must match exactly: growth points while the map
//! is one table, hint sizing for every hint 0..=10^6, heap bytes and
//! objects of presized maps and of small unhinted ones. Figures that depend
//! on where keys hash (Go seeds its hash per map at random; the model hashes
//! differently) are compared as samples: the model's mean over seeds must
//! lie within 4 standard errors of the difference of means (and never
//! further than the stated absolute slack), Go's seed-to-seed spread
//! included.

use mapamp::accounting::{Counting, Probe};
use mapamp::goswiss::{hint_shape, GoHash, GoSwiss, Release, MAP_HEADER_BYTES};
use mapamp::gotype::Shape;
use mapamp::hash::KeyHasher;
use mapamp::pod::{Blob, Pod};
use mapamp::variants::typed::Typed;
use mapamp::workload::{KeyDist, KeySource};
use serde_json::Value;

/// `map[uint64]uint64` of the model (Go 1.26), hashing with `H`.
type M<H = GoHash> = Typed<Blob<1>, Blob<1>, GoSwiss<H, Counting>>;

fn make(hint: usize, seed: u64) -> M {
    make_with(hint, seed, GoHash)
}

fn make_with<H: KeyHasher>(hint: usize, seed: u64, hasher: H) -> M<H> {
    let w = Shape::words(1);
    Typed::new(GoSwiss::with_config(
        w,
        w,
        Release::Go126,
        hint,
        seed,
        hasher,
    ))
}

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/go126/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| v.as_f64().expect("a number") as u64)
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 {
        xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (m, var.sqrt())
}

/// Asserts two samples agree: |mean difference| within 4 standard errors
/// of the difference, or within `slack` (for samples without spread).
fn agree(what: &str, go: &[f64], model: &[f64], slack: f64) -> f64 {
    let ((mg, sg), (mm, sm)) = (mean_sd(go), mean_sd(model));
    let se = (sg * sg / go.len() as f64 + sm * sm / model.len() as f64).sqrt();
    let diff = (mm - mg).abs();
    assert!(
        diff <= (4.0 * se).max(slack),
        "{what}: Go {mg:.3} ± {sg:.3} (n={}), model {mm:.3} ± {sm:.3} (n={}): difference {diff:.3} > max(4 SE = {:.3}, {slack})",
        go.len(),
        model.len(),
        4.0 * se
    );
    eprintln!("{what}: Go {mg:.3} ± {sg:.3}, model {mm:.3} ± {sm:.3}, difference {diff:.3}");
    diff
}

/// The model's tables after each structural change, inserting `n` keys.
struct GrowthRun {
    /// (n, dir_len, tables, slots) at every change.
    events: Vec<(u64, u64, u64, u64)>,
    /// Tables at the powers of two ≥ 1024 and at n.
    snapshots: Vec<(u64, u64)>,
}

fn model_growth(n: u64, dist: KeyDist, seed: u64) -> GrowthRun {
    let mut m = make(0, seed);
    let mut src = KeySource::new(dist, seed);
    let mut events = Vec::new();
    let mut snapshots = Vec::new();
    let mut last = (0, 0, 0);
    let mut rehashes = u64::MAX;
    for i in 1..=n {
        let id = src.fresh();
        m.insert(Blob::from_id(id), Blob::from_id(i));
        let a = m.probe().snapshot().unwrap();
        let r = a.doubling_grows + a.table_splits + a.model_allocations;
        let snap = i & (i - 1) == 0 && i >= 1024 || i == n;
        if r != rehashes || snap {
            rehashes = r;
            let d = m.directory();
            let now = (d.dir_len as u64, d.tables as u64, d.slots as u64);
            if now != last {
                events.push((i, now.0, now.1, now.2));
                last = now;
            }
            if snap {
                snapshots.push((i, d.tables as u64));
            }
        }
    }
    m.check_invariants().unwrap();
    GrowthRun { events, snapshots }
}

#[test]
fn growth_points_match_go_exactly_while_one_table_and_in_distribution_after() {
    let g = data("growth.json");
    let runs = g["runs"].as_array().unwrap();
    let n = u(&runs[0]["n"]);
    // One table: the same growth points for every key distribution.
    let one_table: Vec<(u64, u64, u64, u64)> = vec![
        (1, 0, 0, 8),
        (9, 1, 1, 16),
        (15, 1, 1, 32),
        (29, 1, 1, 64),
        (57, 1, 1, 128),
        (113, 1, 1, 256),
        (225, 1, 1, 512),
        (449, 1, 1, 1024),
        (897, 2, 2, 2048),
    ];
    for r in runs {
        let ev: Vec<(u64, u64, u64, u64)> = r["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    u(&e["n"]),
                    u(&e["dir_len"]),
                    u(&e["tables"]),
                    u(&e["slots"]),
                )
            })
            .collect();
        assert_eq!(ev[..9], one_table[..], "Go run seed {}", r["seed"]);
    }
    let seeds = 5u64;
    let model: Vec<GrowthRun> = (1..=seeds)
        .map(|s| model_growth(n, KeyDist::Random, s))
        .collect();
    let seq = model_growth(n, KeyDist::Sequential, 1);
    for run in model.iter().chain([&seq]) {
        assert_eq!(run.events[..9], one_table[..]);
    }
    // After the first split, where tables fill up depends on the hash:
    // compare the table count at every snapshot, and the number of
    // structural changes (each one a grow or a split).
    let go_random: Vec<&Value> = runs.iter().filter(|r| r["random"] == true).collect();
    let mut worst: f64 = 0.0;
    for (i, &(at, _)) in model[0].snapshots.iter().enumerate() {
        let go: Vec<f64> = go_random
            .iter()
            .map(|r| u(&r["snapshots"][at.to_string()]["tables"]) as f64)
            .collect();
        let me: Vec<f64> = model.iter().map(|m| m.snapshots[i].1 as f64).collect();
        let d = agree(&format!("tables at n = {at}"), &go, &me, 2.0);
        worst = worst.max(d / mean_sd(&go).0);
    }
    let go_events: Vec<f64> = go_random
        .iter()
        .map(|r| r["events"].as_array().unwrap().len() as f64)
        .collect();
    let me_events: Vec<f64> = model.iter().map(|m| m.events.len() as f64).collect();
    agree("structural changes to 10^6", &go_events, &me_events, 2.0);
    // Sequential keys: Go's hash makes them look random; so does the model's.
    let go_seq = u(&runs[0]["snapshots"][n.to_string()]["tables"]) as f64;
    let me_seq = seq.snapshots.last().unwrap().1 as f64;
    agree(
        "tables at 10^6, sequential keys (vs Go's random-key runs)",
        &go_events.iter().map(|_| go_seq).collect::<Vec<_>>(),
        &me_events.iter().map(|_| me_seq).collect::<Vec<_>>(),
        8.0,
    );
    eprintln!("largest relative difference in table counts: {:.4}", worst);
}

#[test]
fn hint_sizing_matches_go_for_every_hint_to_a_million() {
    let h = data("hints.json");
    let max = u(&h["max_hint"]) as usize;
    let steps: Vec<(usize, u64, u64)> = h["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (u(&s["hint"]) as usize, u(&s["dir_len"]), u(&s["capacity"])))
        .collect();
    assert!(steps.len() > 20 && max == 1_000_000);
    let mut k = 0;
    for hint in 0..=max {
        while k + 1 < steps.len() && steps[k + 1].0 <= hint {
            k += 1;
        }
        let want = (steps[k].1 as usize, steps[k].2 as usize);
        let got = hint_shape(hint).unwrap_or((0, 0));
        assert_eq!(got, want, "hint {hint}");
    }
    // ... and the map a hint makes has that shape.
    for &(hint, dir, cap) in &steps {
        let s = make(hint, 1).structure();
        assert_eq!(s.dir_len as u64, dir, "hint {hint}");
        assert!(
            s.tables.iter().all(|t| t.capacity as u64 == cap),
            "hint {hint}"
        );
    }
}

#[test]
fn heap_bytes_and_objects_match_go() {
    let hp = data("heap.json");
    for r in hp["runs"].as_array().unwrap() {
        let (n, hinted) = (u(&r["n"]), r["hint"] == true);
        let mut bytes = Vec::new();
        let mut objects = Vec::new();
        for seed in 1..=10u64 {
            let mut m = make(if hinted { n as usize } else { 0 }, seed);
            let mut src = KeySource::new(KeyDist::Random, seed);
            for _ in 0..n {
                let id = src.fresh();
                m.insert(Blob::from_id(id), Blob::from_id(id));
            }
            let a = m.probe().snapshot().unwrap();
            bytes.push((a.model_allocated_bytes + MAP_HEADER_BYTES) as f64);
            objects.push((a.model_allocations + 1) as f64);
        }
        let (gb, go) = (&r["bytes"], &r["objects"]);
        if gb["sd"].as_f64() == Some(0.0) || n < 100_000 {
            // Deterministic: exact. (Go's first sample at n = 1 carries the
            // runtime's own first allocations; its minimum is the map's.)
            assert!(bytes.iter().all(|&b| b == bytes[0]));
            assert_eq!(
                bytes[0],
                gb["min"].as_f64().unwrap(),
                "bytes, n = {n}, hint = {hinted}"
            );
            assert_eq!(
                objects[0],
                go["min"].as_f64().unwrap(),
                "objects, n = {n}, hint = {hinted}"
            );
        } else {
            // Unhinted 10^6: how many tables split depends on the hash seed.
            let sd = gb["sd"].as_f64().unwrap();
            let (mb, _) = mean_sd(&bytes);
            let d = (mb - gb["mean"].as_f64().unwrap()).abs();
            eprintln!("heap bytes n = {n}: Go {} ± {sd}, model {mb}", gb["mean"]);
            assert!(
                d <= 4.0 * sd,
                "heap bytes n = {n}: difference {d} > 4 sd ({sd})"
            );
            let (mo, _) = mean_sd(&objects);
            let so = go["sd"].as_f64().unwrap();
            assert!(
                (mo - go["mean"].as_f64().unwrap()).abs() <= 4.0 * so,
                "objects n = {n}: model {mo}, Go {}",
                go["mean"]
            );
        }
    }
}

/// Churn at a constant count (delete the oldest key, insert a fresh one),
/// `rounds` rounds of `live` operations, for seeds 1..=5: slots after the
/// last round and tombstones after the first, per seed.
fn model_churn<H: KeyHasher>(
    live: u64,
    rounds: u64,
    dist: KeyDist,
    hasher: &H,
) -> (Vec<f64>, Vec<f64>) {
    let mut me_slots = Vec::new();
    let mut me_tomb1 = Vec::new();
    for seed in 1..=5u64 {
        let mut m = make_with(0, seed, hasher.clone());
        let mut src = KeySource::new(dist, seed);
        let mut fifo = std::collections::VecDeque::new();
        for _ in 0..live {
            let id = src.fresh();
            m.insert(Blob::from_id(id), Blob::from_id(id));
            fifo.push_back(id);
        }
        for round in 0..rounds {
            for _ in 0..live {
                assert!(m.remove(&Blob::from_id(fifo.pop_front().unwrap())));
                let id = src.fresh();
                m.insert(Blob::from_id(id), Blob::from_id(id));
                fifo.push_back(id);
            }
            if round == 0 {
                me_tomb1.push(m.structure().tombstones() as f64);
            }
        }
        m.check_invariants().unwrap();
        me_slots.push(m.structure().slots as f64);
    }
    (me_slots, me_tomb1)
}

/// Go's churn runs at `live` keys: rounds, slots after the last round and
/// tombstones after the first, per run.
fn go_churn(runs: &[Value], live: u64) -> (u64, Vec<f64>, Vec<f64>) {
    let go: Vec<&Value> = runs.iter().filter(|r| u(&r["live"]) == live).collect();
    let rounds = u(&go[0]["rounds"]);
    let slots = go
        .iter()
        .map(|r| u(&r["after_round"][rounds as usize]["slots"]) as f64)
        .collect();
    let tomb1 = go
        .iter()
        .map(|r| u(&r["after_round"][1]["tombstones"]) as f64)
        .collect();
    (rounds, slots, tomb1)
}

#[test]
fn churn_grows_and_prunes_as_go_does() {
    let c = data("churn.json");
    let runs = c["runs"].as_array().unwrap();
    let mut lives: Vec<u64> = runs.iter().map(|r| u(&r["live"])).collect();
    lives.dedup();
    for live in lives {
        let (rounds, go_slots, go_tomb1) = go_churn(runs, live);
        // Go's runs use random keys; the model's hash must make sequential
        // ones behave alike, so both are compared with Go's.
        for dist in [KeyDist::Random, KeyDist::Sequential] {
            let (me_slots, me_tomb1) = model_churn(live, rounds, dist, &GoHash);
            // Slots after the last round: the same table sizes (exact where
            // Go's seeds agree, as they do at every load recorded).
            agree(
                &format!("slots after {rounds} rounds at {live} live, {dist:?} keys"),
                &go_slots,
                &me_slots,
                0.0,
            );
            let tol = (0.15 * mean_sd(&go_tomb1).0).max(3.0);
            agree(
                &format!("tombstones after round 1 at {live} live, {dist:?} keys"),
                &go_tomb1,
                &me_tomb1,
                tol,
            );
        }
    }
}

/// Why the model hashes with `GoHash` (foldhash + fmix64) and not with the
/// classic model's plain foldhash: under churn with *sequential* keys
/// (what the scenarios' `keys = sequential` makes) plain foldhash leaves a
/// 1024-slot table far fewer tombstones after one round than Go 1.26 has
/// (Go hashes with AES: consecutive keys land as random ones), and the
/// finaliser brings the model to Go's figure. Measured, not assumed: the
/// test fails if plain foldhash ever agrees with Go, or the finaliser not.
#[test]
fn churn_tombstones_need_the_finaliser() {
    use mapamp::hash::SeededHash;
    let c = data("churn.json");
    let runs = c["runs"].as_array().unwrap();
    let live = 700;
    let (rounds, _, go_tomb1) = go_churn(runs, live);
    let (mg, _) = mean_sd(&go_tomb1);
    let (_, plain) = model_churn(live, rounds.min(2), KeyDist::Sequential, &SeededHash);
    let (_, mixed) = model_churn(live, rounds.min(2), KeyDist::Sequential, &GoHash);
    let (mp, mm) = (mean_sd(&plain).0, mean_sd(&mixed).0);
    eprintln!(
        "tombstones after one round at {live} live, sequential keys: Go {mg:.1} (random keys), plain foldhash {mp:.1}, foldhash + fmix64 {mm:.1}"
    );
    let tol = (0.15 * mg).max(3.0);
    assert!((mm - mg).abs() <= tol, "finaliser: {mm:.1} vs Go {mg:.1}");
    assert!(
        (mp - mg).abs() > tol,
        "plain foldhash agrees with Go ({mp:.1} vs {mg:.1}): the finaliser is not needed"
    );
}

#[test]
fn maximum_load_group_fill_and_miss_probes_match_go() {
    let d = data("maxload.json");
    let runs = d["runs"].as_array().unwrap();
    let mut me_hist: Vec<Vec<f64>> = vec![Vec::new(); 9];
    let mut me_miss = Vec::new();
    for seed in 1..=20u64 {
        let mut m = make(0, seed);
        let mut src = KeySource::new(KeyDist::Random, seed);
        for _ in 0..896 {
            let id = src.fresh();
            m.insert(Blob::from_id(id), Blob::from_id(id));
        }
        let s = m.structure();
        assert_eq!((s.tables.len(), s.tables[0].growth_left), (1, 0));
        for (i, h) in m.group_fill_histogram().iter().enumerate() {
            me_hist[i].push(*h as f64);
        }
        me_miss.push(s.missprobe);
    }
    for (i, me) in me_hist.iter().enumerate() {
        let go: Vec<f64> = runs
            .iter()
            .map(|r| u(&r["group_fill_hist"][i]) as f64)
            .collect();
        agree(
            &format!("groups holding {i} of 8 at 7/8 load"),
            &go,
            me,
            0.5,
        );
    }
    let go_miss: Vec<f64> = runs
        .iter()
        .map(|r| r["missprobe"].as_f64().unwrap())
        .collect();
    agree("miss probe length (groups)", &go_miss, &me_miss, 0.0);
}
