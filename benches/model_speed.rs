//! Speed of the models against Swiss tables: insert 1,000,000 random
//! u64 → u64 keys into an empty map, with and without a size hint.
//!
//! Matrix: variant {gomap (accounting off), hashbrown (foldhash), std (SipHash-1-3)}
//!       × hint {none, exact}. Keys are generated once, outside the measurement;
//! one map is alive at a time and dropping it is not measured
//! (`iter_batched` with `PerIteration`), the same for every variant.
//!
//! `cargo bench --bench model_speed` (the README quotes the ratios).

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
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

fn insert_1m(c: &mut Criterion) {
    let keys = keys();
    let mut g = c.benchmark_group("insert_1m_u64");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    for (hint_name, hint) in [("none", 0usize), ("exact", N)] {
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

criterion_group!(benches, insert_1m);
criterion_main!(benches);
