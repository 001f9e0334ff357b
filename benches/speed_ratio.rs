//! Paired, interleaved speed ratio of the Go model against hashbrown:
//! insert 1,000,000 random u64 → u64 keys into an empty map.
//!
//! Criterion runs benchmarks one after another, so on a shared machine the
//! load drifts between them. Here every round builds each map once, in
//! rotating order, and the ratio is taken *within* the round; the report is
//! the median ratio over rounds with a bootstrap 95% interval. Dropping a
//! map is not timed. glibc's mmap threshold is pinned so no variant inherits
//! allocator state left by another.
//!
//! With a size hint a fourth row, `layout floor`, times a bare loop that
//! writes Go's bucket layout and nothing else: the fastest any map of that
//! layout can be here, so `gomap / hashbrown` reads against it.
//!
//! `cargo bench --bench speed_ratio` (rounds: `MAPAMP_ROUNDS`, default 15;
//! one under `cargo test`).

use mapamp::accounting::Off;
use mapamp::gomap::{GoHeap, GoMap, Knobs, Slab, Storage};
use mapamp::gotype::Shape;
use mapamp::hash::{KeyHasher, SeededHash};
use mapamp::rng::Rng;
use std::hint::black_box;
use std::time::{Duration, Instant};

const N: usize = 1_000_000;

fn time_gomap<S: Storage>(keys: &[u64], hint: usize) -> Duration {
    let t = Instant::now();
    let u64_shape = Shape::words(1);
    let mut m: GoMap<SeededHash, Off, S> =
        GoMap::with_config(u64_shape, u64_shape, Knobs::default(), hint, 7, SeededHash);
    for &k in keys {
        // The scenarios' entry point: key and value bytes; the map's type
        // sends 8-byte keys down `mapassign_fast64`.
        m.insert(&k.to_le_bytes(), &k.to_le_bytes());
    }
    let e = t.elapsed();
    drop(black_box(m));
    e
}

fn time_hashbrown(keys: &[u64], hint: usize) -> Duration {
    let t = Instant::now();
    let mut m: hashbrown::HashMap<u64, u64> = hashbrown::HashMap::with_capacity(hint);
    for &k in keys {
        m.insert(k, k);
    }
    let e = t.elapsed();
    drop(black_box(m));
    e
}

/// The floor of Go's layout: a bare loop that does only what an insert of a
/// new key into a presized map of Go's layout must do (hash, pick the
/// bucket, load its tophash word, check for `emptyRest` and a tophash match,
/// write key, value and tophash) and nothing else: no map header, no growth
/// or overflow handling (an insert that finds its main bucket full or a
/// tophash match is skipped). No map can be faster with this layout, so the
/// gap between it and hashbrown is what the layout costs.
fn time_layout_floor(keys: &[u64], hint: usize) -> Duration {
    use mapamp::gomap::layout::{
        first_slot, slots_empty, slots_matching, slots_rest, tophash, with_top,
    };
    use mapamp::gomap::{b_for_hint, buckets_allocated};
    const BW: usize = 18; // 8-byte keys and values: tophash word, 8 keys, 8 values, link
    let t = Instant::now();
    let b = b_for_hint(hint, 6.5);
    let mut arr =
        mapamp::gomap::storage::zeroed_array(buckets_allocated(b, BW as u64 * 8, true) * BW);
    let mask = (1usize << b) - 1;
    let seed = 7;
    for &k in keys {
        let hash = SeededHash.hash_u64(k, seed);
        let top = tophash(hash);
        let i = hash as usize & mask;
        let bucket = &mut arr[i * BW..(i + 1) * BW];
        mapamp::gomap::prefetch::after_first_line(mapamp::mem::bytes_of(bucket));
        let w = bucket[0];
        if slots_rest(w) == 0 || slots_matching(w, top) != 0 {
            continue;
        }
        let slot = first_slot(slots_empty(w));
        bucket[1 + slot] = k;
        bucket[9 + slot] = k;
        bucket[0] = with_top(w, slot, top);
    }
    let e = t.elapsed();
    drop(black_box(arr));
    e
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn bootstrap_ci(v: &[f64], rng: &mut Rng) -> (f64, f64) {
    let mut meds: Vec<f64> = (0..2000)
        .map(|_| {
            median(
                (0..v.len())
                    .map(|_| v[rng.below(v.len() as u64) as usize])
                    .collect(),
            )
        })
        .collect();
    meds.sort_by(|a, b| a.total_cmp(b));
    (meds[50], meds[1949])
}

fn main() {
    // SAFETY: mallopt only changes allocator parameters; called before any
    // benchmark allocation, from the only thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    // `cargo bench` passes `--bench`; under `cargo test` one round checks
    // that the benchmark runs.
    let benching = std::env::args().any(|a| a == "--bench");
    let rounds: usize = std::env::var("MAPAMP_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if benching { 15 } else { 1 });
    let mut r = Rng::new(42);
    let keys: Vec<u64> = (0..N).map(|_| r.next_u64()).collect();
    println!("insert {N} random u64->u64 keys into an empty map; {rounds} interleaved rounds");
    for (label, hint) in [("no hint", 0usize), ("hint = N", N)] {
        type Timer<'a> = Box<dyn Fn() -> Duration + 'a>;
        let mut variants: Vec<(&str, Timer)> = vec![
            ("gomap", Box::new(|| time_gomap::<GoHeap>(&keys, hint))),
            ("gomap-slab", Box::new(|| time_gomap::<Slab>(&keys, hint))),
        ];
        if hint == N {
            // The floor only exists for a presized map (it does not grow).
            variants.push(("layout floor", Box::new(|| time_layout_floor(&keys, hint))));
        }
        variants.push(("hashbrown", Box::new(|| time_hashbrown(&keys, hint))));
        // Warm-up round.
        for (_, f) in &variants {
            f();
        }
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
        for round in 0..rounds {
            for j in 0..variants.len() {
                let v = (round + j) % variants.len();
                times[v].push(variants[v].1().as_secs_f64() * 1e3);
            }
        }
        let hb = variants.len() - 1;
        println!("\n{label}:");
        for (v, (name, _)) in variants.iter().enumerate() {
            println!("  {name:<12} median {:>8.2} ms", median(times[v].clone()));
        }
        for v in 0..hb {
            let ratios: Vec<f64> = times[v]
                .iter()
                .zip(&times[hb])
                .map(|(a, b)| a / b)
                .collect();
            let (lo, hi) = bootstrap_ci(&ratios, &mut r);
            println!(
                "  {} / hashbrown: median ratio {:.2} (95% CI {:.2}-{:.2})",
                variants[v].0,
                median(ratios.clone()),
                lo,
                hi
            );
        }
    }
}
