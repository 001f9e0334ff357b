//! `growWork` departs from Go's order of work in two ways that must not
//! show: it moves `nevacuate`'s entries ahead of the written bucket's when
//! [`GoMap::can_evacuate_ahead`] allows it, and it does not look at a
//! written old bucket below `nevacuate` (evacuated already). These tests
//! hold both to Go's `growWork`: from the same state, ours and Go's must
//! leave every word of every bucket, the header, the overflow bookkeeping
//! and the accounting equal.

use super::super::storage::{Arena, ArrayStore, Generation};
use super::super::{GoHeap, GoMap, GrowKind, InlineFirst, Knobs, Slab, Storage};
use crate::accounting::{Counting, Probe};
use crate::hash::{id_in_bucket, CollidingHash, KeyHasher, SeededHash};
use crate::pod::{Blob, Pod};
use crate::rng::Rng;
use crate::variants::typed::TypedGo;

/// One step of a workload.
#[derive(Clone, Copy, Debug)]
enum Op {
    Insert(u64),
    Delete(u64),
}

/// Everything a growth step can change, as bytes and text.
fn state<H: KeyHasher, S: Storage>(m: &GoMap<H, Counting, S>) -> (Vec<u8>, String) {
    let bw = m.t.bucket_size;
    let mut words = Vec::new();
    let mut text = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n",
        m.hdr,
        m.probe.snapshot(),
        m.key_objs,
        m.val_objs
    );
    for g in [&m.buckets, &m.oldbuckets] {
        let g: &Generation<S> = g;
        text += &format!(
            "gen {} b {} total {} next {} list {:?} arena {}\n",
            g.id,
            g.b,
            g.total,
            g.next_overflow,
            g.overflow_list,
            g.arena.len()
        );
        words.extend_from_slice(crate::mem::bytes_of(g.array.words()));
        for i in 0..g.arena.len() {
            words.extend_from_slice(g.arena.bucket(i, bw));
        }
    }
    (words, text)
}

/// Which way our `growWork` took in one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    /// The written old bucket was below `nevacuate`: not looked at.
    Skipped,
    /// `nevacuate`'s entries were moved first.
    Ahead,
    /// Go's order: the written bucket, then `nevacuate`.
    InOrder,
}

/// How one growth step went in [`compare_step`].
struct Step {
    /// The way our `growWork` took.
    path: Path,
    /// Both evacuations took overflow buckets (in Go's order), so their
    /// order decides which buckets each chain gets.
    contested: bool,
}

/// Does the evacuation work of a write to `bucket` on two copies of `m`,
/// ours and Go's order, and asserts they end in the same state.
fn compare_step<H: KeyHasher, S: Storage>(m: &GoMap<H, Counting, S>, bucket: usize) -> Step {
    let oldbucket = bucket & (m.noldbuckets() - 1);
    let path = if oldbucket < m.hdr.nevacuate {
        Path::Skipped
    } else if m.can_evacuate_ahead(oldbucket) {
        Path::Ahead
    } else {
        Path::InOrder
    };
    let mut ours = m.clone();
    ours.grow_work(bucket);
    // Go's growWork: the written bucket, then one at nevacuate.
    let mut go = m.clone();
    let before = go.buckets.overflow_taken();
    go.evacuate(oldbucket);
    let mid = go.buckets.overflow_taken();
    if go.hdr.growing {
        go.evacuate(go.hdr.nevacuate);
    }
    let contested = mid > before && go.buckets.overflow_taken() > mid;
    let (ow, ot) = state(&ours);
    let (gw, gt) = state(&go);
    assert_eq!(ot, gt, "state differs after growWork of bucket {bucket}");
    assert!(
        ow == gw,
        "bucket words differ after growWork of bucket {bucket}"
    );
    ours.check_invariants().unwrap();
    Step { path, contested }
}

/// Runs `ops` on a map and, before every operation made during a growth,
/// compares our evacuation order with Go's ([`compare_step`]).
fn orders_agree<K: Pod, V: Pod, H: KeyHasher, S: Storage>(
    knobs: Knobs,
    hasher: H,
    ops: &[Op],
    key: impl Fn(u64) -> K,
) -> Seen {
    let mut m: TypedGo<K, V, H, Counting, S> = TypedGo::with_config(knobs, 0, 11, hasher);
    let mut rng = Rng::new(5);
    let mut paths = [0; 3];
    for &op in ops {
        if m.growing() {
            let bucket = rng.next_u64() as usize & m.hdr.mask;
            paths[compare_step(&m, bucket).path as usize] += 1;
        }
        match op {
            Op::Insert(k) => {
                m.insert(key(k), V::default());
            }
            Op::Delete(k) => {
                m.remove(&key(k));
            }
        }
    }
    let a = m.probe.snapshot().unwrap();
    assert!(a.doubling_grows > 0, "the workload never doubled");
    Seen {
        paths,
        same_size_grows: a.same_size_grows,
    }
}

/// What [`orders_agree`] saw.
struct Seen {
    /// Steps that took each [`Path`], indexed by it.
    paths: [usize; 3],
    /// Same-size growths the workload started.
    same_size_grows: u64,
}

/// Random new keys, with a delete of an earlier key after every third insert.
fn random_ops(n: usize) -> Vec<Op> {
    let mut rng = Rng::new(3);
    let mut keys = Vec::new();
    let mut ops = Vec::new();
    for i in 0..n {
        let k = rng.next_u64();
        keys.push(k);
        ops.push(Op::Insert(k));
        if i % 3 == 2 {
            let j = rng.next_u64() as usize % keys.len();
            ops.push(Op::Delete(keys.swap_remove(j)));
        }
    }
    ops
}

/// Chains filled and emptied one bucket at a time under
/// [`CollidingHash::BucketInId`]: overflow buckets pile up while the count
/// stays low, which starts same-size growths.
fn chain_churn_ops(phases: u64) -> Vec<Op> {
    let mut ops = Vec::new();
    for p in 0..phases {
        let ids: Vec<u64> = (0..40)
            .map(|j| id_in_bucket(p % 8, (p * 64 + j) as u32))
            .collect();
        ops.extend(ids.iter().map(|&k| Op::Insert(k)));
        ops.extend(ids.iter().map(|&k| Op::Delete(k)));
    }
    ops
}

/// Every way through our `growWork` was compared at least once.
fn all_paths_seen(seen: Seen) {
    let [skipped, ahead, in_order] = seen.paths;
    assert!(
        skipped > 0 && ahead > 0 && in_order > 0,
        "skipped {skipped}, ahead {ahead}, in order {in_order}"
    );
}

#[test]
fn random_keys_same_state_as_go_order() {
    let ops = random_ops(6000);
    let (go, key) = (Knobs::default(), |k| Blob([k]));
    type Inline = InlineFirst;
    for seen in [
        orders_agree::<Blob<1>, Blob<1>, _, GoHeap>(go, SeededHash, &ops, key),
        orders_agree::<Blob<1>, Blob<1>, _, Slab>(go, SeededHash, &ops, key),
        orders_agree::<Blob<1>, Blob<1>, _, Inline>(go, SeededHash, &ops, key),
    ] {
        all_paths_seen(seen);
    }
}

#[test]
fn indirect_and_wide_slots_same_state_as_go_order() {
    let ops = random_ops(3000);
    // 256-byte keys and values are stored through pointers.
    all_paths_seen(orders_agree::<Blob<32>, Blob<32>, _, GoHeap>(
        Knobs::default(),
        SeededHash,
        &ops,
        |k| Blob([k; 32]),
    ));
    all_paths_seen(orders_agree::<Blob<2>, Blob<16>, _, GoHeap>(
        Knobs::default(),
        SeededHash,
        &ops,
        |k| Blob([k; 2]),
    ));
}

#[test]
fn long_chains_same_state_as_go_order() {
    let ops = random_ops(6000);
    // Keys that use one bucket in 16, and every bucket at the highest load
    // factor.
    let dense = Knobs {
        load_factor: super::super::MAX_LOAD_FACTOR,
        ..Knobs::default()
    };
    let few = CollidingHash::FewBuckets;
    let key = |k| Blob([k]);
    for seen in [
        orders_agree::<Blob<1>, Blob<1>, _, GoHeap>(Knobs::default(), few, &ops, key),
        orders_agree::<Blob<1>, Blob<1>, _, Slab>(Knobs::default(), few, &ops, key),
        orders_agree::<Blob<1>, Blob<1>, _, GoHeap>(dense, SeededHash, &ops, key),
    ] {
        all_paths_seen(seen);
    }
}

/// A map whose old buckets 0 (= `nevacuate`) and 3 each hold a chain of 20
/// entries that all go to X, right after a growth of `kind` started.
fn two_chains_growing<S: Storage>(
    kind: GrowKind,
) -> TypedGo<Blob<1>, Blob<1>, CollidingHash, Counting, S> {
    let mut m = TypedGo::with_config(Knobs::default(), 0, 11, CollidingHash::BucketInId);
    let put =
        |m: &mut TypedGo<Blob<1>, Blob<1>, CollidingHash, Counting, S>, bucket: u64, seq: u32| {
            m.insert(Blob([id_in_bucket(bucket, seq)]), Blob([0]));
        };
    for seq in 0..20 {
        put(&mut m, 0, seq);
        put(&mut m, 3, seq);
    }
    let others = [1, 2, 4, 5, 6, 7];
    let mut seq = 100;
    let mut spilled = Vec::new();
    while m.pending_growth() != Some(kind) {
        assert!(!m.growing() && seq < 10_000, "no {kind:?} growth pending");
        let bucket = others[(seq / 16) as usize % others.len()];
        match kind {
            // Fill the other buckets until the load factor is exceeded.
            GrowKind::Double => put(&mut m, bucket, seq),
            // Pile up overflow buckets while the count stays low: fill a
            // bucket past 8 entries, then empty it and go to the next.
            GrowKind::SameSize if spilled.len() < 9 => {
                put(&mut m, bucket, seq);
                spilled.push(id_in_bucket(bucket, seq));
            }
            GrowKind::SameSize => {
                for id in spilled.drain(..) {
                    m.remove(&Blob([id]));
                }
                seq = seq.next_multiple_of(16) - 1;
            }
        }
        seq += 1;
    }
    m.start_pending_growth();
    assert_eq!(
        (m.b(), m.hdr.nevacuate),
        (3 + (kind == GrowKind::Double) as u8, 0)
    );
    m
}

#[test]
fn contested_step_same_state_as_go_order() {
    for kind in [GrowKind::Double, GrowKind::SameSize] {
        let heap = two_chains_growing::<GoHeap>(kind);
        let slab = two_chains_growing::<Slab>(kind);
        // A write to bucket 3 evacuates it and then bucket 0, and both
        // chains need overflow buckets in the new array.
        assert!(compare_step(&heap, 3).contested, "{kind:?}");
        assert!(compare_step(&slab, 3).contested, "{kind:?}");
    }
}

#[test]
fn same_size_growth_same_state_as_go_order() {
    let mut ops = chain_churn_ops(300);
    // Enough distinct keys afterwards to double as well.
    ops.extend(
        random_ops(400)
            .into_iter()
            .filter(|o| matches!(o, Op::Insert(_))),
    );
    for seen in [
        orders_agree::<Blob<1>, Blob<1>, _, GoHeap>(
            Knobs::default(),
            CollidingHash::BucketInId,
            &ops,
            |k| Blob([k]),
        ),
        orders_agree::<Blob<1>, Blob<1>, _, Slab>(
            Knobs::default(),
            CollidingHash::BucketInId,
            &ops,
            |k| Blob([k]),
        ),
    ] {
        assert!(seen.same_size_grows > 0, "no same-size growth");
        all_paths_seen(seen);
    }
}
