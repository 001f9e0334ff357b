//! Speed of the models against Swiss tables: insert 1,000,000 random
//! u64 → u64 keys into an empty map, with and without a size hint.
//!
//! Matrix: variant {gomap (accounting off), hashbrown (foldhash), std (SipHash-1-3)}
//!       × hint {none, exact}. Keys are generated once, outside the measurement;
//! one map is alive at a time and dropping it is not measured
//! (`iter_batched` with `PerIteration`), the same for every variant.
//!
//! `cargo bench --bench model_speed` (the README quotes the ratios). Each
//! benchmark prints `model_speed: cell i of n: <id>` on stderr as it starts.

mod common;

use common::args::{BenchArgs, Mode};
use common::Progress;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use mapamp::accounting::Off;
use mapamp::gomap::{GoMap, Knobs};
use mapamp::gotype::Shape;
use mapamp::hash::SeededHash;
use mapamp::rng::Rng;
use std::hint::black_box;

const N: usize = 1_000_000;

fn keys() -> Vec<u64> {
    let mut r = Rng::new(42);
    (0..N).map(|_| r.next_u64()).collect()
}

const GROUP: &str = "insert_1m_u64";
const HINTS: [(&str, usize); 2] = [("none", 0), ("exact", N)];
const VARIANTS: [&str; 3] = ["gomap", "hashbrown", "std"];

fn insert_1m(c: &mut Criterion, args: &BenchArgs) {
    let keys = keys();
    let mut g = c.benchmark_group(GROUP);
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    let ids = HINTS
        .iter()
        .flat_map(|(h, _)| VARIANTS.map(|v| format!("{GROUP}/{v}/{h}")));
    let total = ids.filter(|id| args.selects(id)).count();
    let mut progress = Progress::new("model_speed", total);
    let mut announce = |variant: &str, hint: &str| {
        let id = format!("{GROUP}/{variant}/{hint}");
        if args.mode != Mode::List && args.selects(&id) {
            progress.next(&id);
        }
    };
    for (hint_name, hint) in HINTS {
        announce("gomap", hint_name);
        g.bench_with_input(BenchmarkId::new("gomap", hint_name), &hint, |b, &hint| {
            b.iter_batched(
                || (),
                |()| {
                    let u64_shape = Shape::words(1);
                    let mut m: GoMap<SeededHash, Off> = GoMap::with_config(
                        u64_shape,
                        u64_shape,
                        Knobs::default(),
                        hint,
                        7,
                        SeededHash,
                    );
                    for &k in &keys {
                        m.insert(&k.to_le_bytes(), &k.to_le_bytes());
                    }
                    black_box(m)
                },
                BatchSize::PerIteration,
            )
        });
        announce("hashbrown", hint_name);
        g.bench_with_input(
            BenchmarkId::new("hashbrown", hint_name),
            &hint,
            |b, &hint| {
                b.iter_batched(
                    || (),
                    |()| {
                        let mut m: hashbrown::HashMap<u64, u64> =
                            hashbrown::HashMap::with_capacity(hint);
                        for &k in &keys {
                            m.insert(k, k);
                        }
                        black_box(m)
                    },
                    BatchSize::PerIteration,
                )
            },
        );
        announce("std", hint_name);
        g.bench_with_input(BenchmarkId::new("std", hint_name), &hint, |b, &hint| {
            b.iter_batched(
                || (),
                |()| {
                    let mut m: std::collections::HashMap<u64, u64> =
                        std::collections::HashMap::with_capacity(hint);
                    for &k in &keys {
                        m.insert(k, k);
                    }
                    black_box(m)
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

fn main() {
    let args = BenchArgs::from_env();
    let mut c = Criterion::default().configure_from_args();
    insert_1m(&mut c, &args);
    c.final_summary();
}
