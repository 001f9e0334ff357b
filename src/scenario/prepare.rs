//! Setup of every scenario: builds the map's state and the measured
//! region's operations. Nothing here is measured.

use super::keys::{id_in_bucket, zipf_id, CollidingHash, Keys, Zipf};
use super::{MapCell, Scenario, ScenarioError, SetupFailure};
use crate::accounting::CopyPath;
use crate::gomap::{buckets_allocated, max_count_at, GrowKind};
use crate::goswiss::Rehash;
use crate::gotype::{fill_from_id, BucketType};
use crate::rng::Rng;
use crate::variants::{HasherChoice, MapSetup, MapSpec, MapUnderStudy};
use crate::workload::{KeyDist, KeySource};

/// Distinct values cycled through by writes (values need not be unique).
const VALUE_POOL: usize = 64;

/// Keys or values made before the region runs, one `size`-byte entry per
/// index, so the region only reads them (key generation stays outside
/// the measured code).
#[derive(Clone, Debug)]
pub(super) struct Arena {
    bytes: Vec<u8>,
    size: usize,
}

impl Arena {
    fn new(size: usize) -> Arena {
        Arena {
            bytes: Vec::new(),
            size,
        }
    }

    /// Appends the entry built from `id`; returns its index.
    fn push(&mut self, id: u64) -> u32 {
        let i = self.len();
        self.bytes.resize(self.bytes.len() + self.size, 0);
        let start = i * self.size;
        fill_from_id(id, &mut self.bytes[start..start + self.size]);
        i as u32
    }

    fn len(&self) -> usize {
        self.bytes.len().checked_div(self.size).unwrap_or(0)
    }

    /// Entry `i`.
    #[inline(always)]
    pub(super) fn get(&self, i: u32) -> &[u8] {
        let start = i as usize * self.size;
        &self.bytes[start..start + self.size]
    }
}

/// A scratch key for setup writes.
struct KeyBuf(Vec<u8>);

impl KeyBuf {
    /// The key built from `id`.
    fn of(&mut self, id: u64) -> &[u8] {
        fill_from_id(id, &mut self.0);
        &self.0
    }
}

/// One operation of a measured region (keys are indices into the
/// prepared cell's key arena).
#[derive(Clone, Copy, Debug)]
pub(super) enum Op {
    /// Insert or update key `k` with value number `v` of the pool.
    Write(u32, u32),
    /// Delete key `k`.
    Remove(u32),
}

/// The measured region's work.
#[derive(Clone, Debug)]
pub(super) enum Region {
    /// Apply these operations in order.
    Ops(Vec<Op>),
    /// Delete these absent keys, in order, until the started growth is done.
    DriveGrowth(Vec<u32>),
}

/// A map in its scenario's starting state, with the measured region ready.
#[derive(Clone)]
pub struct Prepared<M: MapUnderStudy> {
    /// The map under study.
    pub map: M,
    pub(super) region: Region,
    pub(super) keys: Arena,
    pub(super) values: Arena,
    /// Units the region's time is normalised by: writes, operations, or
    /// entries evacuated (see [`Prepared::units_name`]).
    pub units: u64,
    /// What a unit is.
    pub units_name: &'static str,
    pub(super) ran: bool,
}

/// Whether the scenario sizes the map itself, so the configuration's hint
/// is not used (two cells that differ only in their hint then run the same
/// setup and region).
pub fn scenario_sets_size(cell: &MapCell) -> bool {
    match cell.scenario {
        Scenario::Assign | Scenario::Overflow => true,
        // The Go Swiss map's own paths start from `make(map)`.
        Scenario::SmallToTable | Scenario::TableGrow | Scenario::TableSplit => true,
        // The Go models (classic and Swiss) and the real Go runtime (the
        // harness) take the configured hint; only the Rust Swiss tables are
        // sized here.
        Scenario::EvacuateSameSize => {
            !cell.variant.is_go_family()
                && !cell.variant.is_go_swiss()
                && cell.variant.go_release().is_none()
        }
        _ => false,
    }
}

/// The map a cell's scenario needs: variant and knobs from the cell, the
/// hint and hasher from the scenario where it must decide them.
pub fn map_spec(cell: &MapCell) -> Result<(MapSpec, HasherChoice), ScenarioError> {
    let hint = scenario_hint(cell)?;
    let hasher = match (cell.scenario, cell.keys) {
        (Scenario::Overflow, _) => HasherChoice::Colliding(CollidingHash::BucketInId),
        (_, Keys::Colliding) => HasherChoice::Colliding(CollidingHash::FewBuckets),
        _ => HasherChoice::Seeded,
    };
    Ok((
        MapSpec {
            variant: cell.variant,
            knobs: cell.knobs,
            hint,
            seed: cell.seed,
        },
        hasher,
    ))
}

/// The size hint a cell's map is made with: the configuration's, except
/// where the scenario decides it (`assign`, `overflow`, and a Rust Swiss
/// table's `evacuate_same_size`). The Go harness makes its maps with it too.
pub fn scenario_hint(cell: &MapCell) -> Result<usize, ScenarioError> {
    let n = cell.n;
    let lf = cell.knobs.load_factor;
    Ok(match cell.scenario {
        _ if !scenario_sets_size(cell) => cell.hint.resolve(n),
        // Room for 2N entries at low load: the region's inserts only land in slots.
        Scenario::Assign => 4 * n,
        Scenario::Overflow => {
            let t = BucketType::new(
                cell.key_shape()?,
                cell.value_shape()?,
                cell.knobs.inline_limit,
            );
            max_count_at(
                overflow_b(n, lf, t.bucket_size as u64, cell.knobs.overflow_prealloc)?,
                lf,
            )
        }
        // A Swiss table rehashes in place only at most half full.
        Scenario::EvacuateSameSize => 2 * n + 2,
        // The Go Swiss map's own paths start from `make(map)`.
        Scenario::SmallToTable | Scenario::TableGrow | Scenario::TableSplit => 0,
        _ => unreachable!("scenario_sets_size lists the scenarios sized here"),
    })
}

/// log2 of the bucket count for the overflow scenario: N target buckets
/// plus spare buckets to use up the preallocated tail, with every entry
/// under the load factor and every overflow bucket under the same-size
/// trigger.
fn overflow_b(n: usize, lf: f64, bucket_bytes: u64, prealloc: bool) -> Result<u8, SetupFailure> {
    if n == 0 {
        return Err(SetupFailure::OverflowNeedsKeys);
    }
    let mut b = (64 - (2 * n - 1).leading_zeros()).max(4) as u8;
    loop {
        let p = buckets_allocated(b, bucket_bytes, prealloc) - (1usize << b);
        let entries = 9 * n + 9 * p;
        if entries <= max_count_at(b, lf) && n + p < (1usize << b) {
            return Ok(b);
        }
        b += 1;
        if b > 40 {
            return Err(SetupFailure::NoBucketCountFits { n, load_factor: lf });
        }
    }
}

fn distinct_source(keys: Keys, seed: u64, key_bytes: usize) -> KeySource {
    let dist = if keys == Keys::Sequential {
        KeyDist::Sequential
    } else {
        KeyDist::Random
    };
    KeySource::for_key_bytes(dist, seed, key_bytes)
}

/// Builds the scenario's state in `map` and its measured region.
pub fn prepare<M: MapUnderStudy>(cell: &MapCell, mut map: M) -> Result<Prepared<M>, SetupFailure> {
    let s = setup(cell, &mut map)?;
    Ok(Prepared {
        map,
        region: s.region,
        keys: s.keys,
        values: s.values,
        units: s.units,
        units_name: s.units_name,
        ran: false,
    })
}

/// What a setup leaves for the measured region.
struct Setup {
    region: Region,
    keys: Arena,
    values: Arena,
    units: u64,
    units_name: &'static str,
}

/// [`prepare`]'s work, on the map through `dyn` (setup is not measured:
/// compiled once, not once per map type; the map does the same
/// operations either way).
fn setup(cell: &MapCell, map: &mut dyn MapSetup) -> Result<Setup, SetupFailure> {
    let n = cell.n;
    let mut values = Arena::new(map.elem_shape().size);
    for id in 0..VALUE_POOL as u64 {
        values.push(id);
    }
    let mut keys = Arena::new(map.key_shape().size);
    let mut kb = KeyBuf(vec![0; map.key_shape().size]);
    let mut src = distinct_source(cell.keys, cell.seed, cell.key_size);
    let mut rng = Rng::new(cell.seed ^ 0x0073_6574_7570);
    let v = |i: usize| (i % VALUE_POOL) as u32;
    let fill =
        |map: &mut dyn MapSetup, kb: &mut KeyBuf, src: &mut KeySource, count: usize| -> Vec<u64> {
            (0..count)
                .map(|i| {
                    let id = src.fresh();
                    map.insert(kb.of(id), values.get(v(i)));
                    id
                })
                .collect()
        };
    let (region, units, units_name) = match cell.scenario {
        Scenario::Assign => {
            fill(&mut *map, &mut kb, &mut src, n);
            let ops = (0..n)
                .map(|i| Op::Write(keys.push(src.fresh()), v(i)))
                .collect();
            (Region::Ops(ops), n as u64, "writes")
        }
        Scenario::Overflow => prepare_overflow(&mut *map, n, &mut kb, &mut keys, &values)?,
        Scenario::SmallToTable => {
            fill(&mut *map, &mut kb, &mut src, 8);
            let kinds = [Rehash::SmallToTable];
            swiss_rehash_region(&mut *map, &mut src, &mut kb, &mut keys, &values, &kinds, 0)?
        }
        Scenario::TableGrow => {
            let c = super::table_grow_capacity(n);
            fill(&mut *map, &mut kb, &mut src, c * 7 / 8);
            let kinds = [Rehash::Grow];
            swiss_rehash_region(&mut *map, &mut src, &mut kb, &mut keys, &values, &kinds, 0)?
        }
        Scenario::TableSplit => {
            fill(&mut *map, &mut kb, &mut src, n.max(897));
            // A split below the global depth leaves the directory alone.
            let deeper = map
                .swiss_structure()
                .is_some_and(|s| s.tables.iter().any(|t| t.local_depth < s.global_depth));
            let mut kinds = vec![Rehash::Split { directory: false }];
            if !deeper {
                kinds.push(Rehash::Split { directory: true });
            }
            let cap = 64 * n + 100_000;
            swiss_rehash_region(
                &mut *map, &mut src, &mut kb, &mut keys, &values, &kinds, cap,
            )?
        }
        Scenario::EvacuateDouble if cell.variant.is_go_swiss() => {
            fill(&mut *map, &mut kb, &mut src, n);
            // The rehash the cell's isolated path names (tables of a
            // hinted map fill unevenly: other rehashes are skipped).
            let kinds: &[Rehash] = match cell.isolated_path() {
                Some(CopyPath::SmallToTable) => &[Rehash::SmallToTable],
                Some(CopyPath::TableGrow) => &[Rehash::Grow],
                _ => &[
                    Rehash::Split { directory: false },
                    Rehash::Split { directory: true },
                ],
            };
            let cap = 64 * n + 100_000;
            swiss_rehash_region(&mut *map, &mut src, &mut kb, &mut keys, &values, kinds, cap)?
        }
        Scenario::EvacuateSameSize if cell.variant.is_go_swiss() => {
            let live = fill(&mut *map, &mut kb, &mut src, n);
            prepare_swiss_prune(&mut *map, &mut src, &mut kb, &mut keys, &values, live)?
        }
        Scenario::EvacuateDouble => {
            fill(&mut *map, &mut kb, &mut src, n);
            let mut guard = 0usize;
            loop {
                match map.pending_growth() {
                    Some(GrowKind::Double) => break,
                    Some(GrowKind::SameSize) => return Err(SetupFailure::SameSizeWhileFilling),
                    None => {
                        map.insert(kb.of(src.fresh()), values.get(0));
                        guard += 1;
                        if guard > 8 * n + 1024 {
                            return Err(SetupFailure::NoDoublingDue);
                        }
                    }
                }
            }
            start_growth(&mut *map, &mut src, &mut keys, GrowKind::Double)?
        }
        Scenario::EvacuateSameSize => {
            let mut live = fill(&mut *map, &mut kb, &mut src, n);
            if let Some(shape) = map.swiss() {
                // A Swiss table rehashes in place only when at most half
                // full, and collects tombstones only when well loaded: fill
                // up to just under half its capacity (from N, like
                // evacuate_double fills up to its growth point).
                let edge = (shape.capacity / 2).saturating_sub(1);
                if edge > live.len() {
                    let more = edge - live.len();
                    live.extend(fill(&mut *map, &mut kb, &mut src, more));
                }
            }
            let cap = 400 * n + 100_000;
            let mut ops = 0usize;
            let swiss = map.swiss().is_some();
            let mut fifo: std::collections::VecDeque<u64> = if swiss {
                std::mem::take(&mut live).into()
            } else {
                Default::default()
            };
            loop {
                match map.pending_growth() {
                    Some(GrowKind::SameSize) => break,
                    Some(GrowKind::Double) => return Err(SetupFailure::DoublingDuringChurn),
                    None => {}
                }
                // Swiss tables: delete the oldest key (tombstones spread
                // everywhere); Go maps: a uniformly random live key.
                let victim = if swiss {
                    fifo.pop_front().expect("live keys")
                } else {
                    live.swap_remove(rng.below(live.len() as u64) as usize)
                };
                map.remove(kb.of(victim));
                let id = src.fresh();
                map.insert(kb.of(id), values.get(v(ops)));
                if swiss {
                    fifo.push_back(id);
                } else {
                    live.push(id);
                }
                ops += 1;
                if ops > cap {
                    return Err(SetupFailure::NoSameSizeDue { ops: cap, n });
                }
            }
            start_growth(&mut *map, &mut src, &mut keys, GrowKind::SameSize)?
        }
        Scenario::Insert => {
            let ops = match cell.keys {
                Keys::Zipf => {
                    let mut z = Zipf::new(n, cell.seed);
                    (0..n)
                        .map(|i| Op::Write(keys.push(zipf_id(z.next_rank())), v(i)))
                        .collect()
                }
                _ => (0..n)
                    .map(|i| Op::Write(keys.push(src.fresh()), v(i)))
                    .collect(),
            };
            (Region::Ops(ops), n as u64, "writes")
        }
        Scenario::Update => {
            let ids = fill(&mut *map, &mut kb, &mut src, n);
            let ops = match cell.keys {
                Keys::Zipf => {
                    let mut z = Zipf::new(n, cell.seed);
                    (0..n)
                        .map(|i| Op::Write(keys.push(ids[z.next_rank() as usize - 1]), v(i + 1)))
                        .collect()
                }
                _ => {
                    let mut order = ids.clone();
                    for i in (1..order.len()).rev() {
                        order.swap(i, rng.below(i as u64 + 1) as usize);
                    }
                    order
                        .iter()
                        .enumerate()
                        .map(|(i, &id)| Op::Write(keys.push(id), v(i + 1)))
                        .collect()
                }
            };
            (Region::Ops(ops), n as u64, "writes")
        }
        Scenario::Churn => {
            let mut live = fill(&mut *map, &mut kb, &mut src, n);
            let k = (n / 2).max(1);
            let mut z = (cell.keys == Keys::Zipf).then(|| Zipf::new(n, cell.seed));
            let mut ops = Vec::with_capacity(2 * k * cell.churn_rounds);
            for i in 0..k * cell.churn_rounds {
                if live.is_empty() {
                    break;
                }
                let idx = match &mut z {
                    Some(z) => (z.next_rank() as usize - 1).min(live.len() - 1),
                    None => rng.below(live.len() as u64) as usize,
                };
                let victim = live.swap_remove(idx);
                ops.push(Op::Remove(keys.push(victim)));
                let id = src.fresh();
                ops.push(Op::Write(keys.push(id), v(i)));
                live.push(id);
            }
            let units = ops.len() as u64;
            (Region::Ops(ops), units, "operations")
        }
        Scenario::Locate => return Err(SetupFailure::NotAMapCell("locate")),
        Scenario::Io => return Err(SetupFailure::NotAMapCell("io")),
    };
    Ok(Setup {
        region,
        keys,
        values,
        units,
        units_name,
    })
}

/// Go Swiss map: inserts fresh keys (skipping, not inserting, keys whose
/// write would rehash in a way not in `kinds`) until a key's write would
/// rehash as one of `kinds`; that write is the region. Units: the entries
/// the rehash moves. `skip_cap` bounds the keys skipped (0: none may be).
fn swiss_rehash_region(
    map: &mut dyn MapSetup,
    src: &mut KeySource,
    kb: &mut KeyBuf,
    keys: &mut Arena,
    values: &Arena,
    kinds: &[Rehash],
    skip_cap: usize,
) -> Result<(Region, u64, &'static str), SetupFailure> {
    let (mut inserted, mut skipped) = (0usize, 0usize);
    loop {
        let id = src.fresh();
        match map.rehash_for(kb.of(id)) {
            Some(r) if kinds.contains(&r.kind) => {
                let (units, name) = if r.kind == Rehash::Prune {
                    (1, "writes")
                } else {
                    (r.entries as u64, "entries evacuated")
                };
                return Ok((Region::Ops(vec![Op::Write(keys.push(id), 0)]), units, name));
            }
            None => {
                map.insert(kb.of(id), values.get(0));
                inserted += 1;
                if inserted > 4_000_000 {
                    return Err(SetupFailure::NoRehashWithin4M);
                }
            }
            Some(r) => {
                skipped += 1;
                if skipped > skip_cap {
                    return Err(SetupFailure::RehashBeforeWanted {
                        met: r.kind,
                        wanted: kinds.to_vec(),
                    });
                }
            }
        }
    }
}

/// Go Swiss map, `evacuate_same_size`: churn at a constant size (delete
/// the oldest key, insert a fresh one) until a fresh key's write would
/// prune tombstones; keys whose write would grow or split a table are
/// skipped. The region is that one write.
fn prepare_swiss_prune(
    map: &mut dyn MapSetup,
    src: &mut KeySource,
    kb: &mut KeyBuf,
    keys: &mut Arena,
    values: &Arena,
    live: Vec<u64>,
) -> Result<(Region, u64, &'static str), SetupFailure> {
    let mut fifo: std::collections::VecDeque<u64> = live.into();
    let cap = 400 * fifo.len() + 100_000;
    for round in 0..cap {
        let victim = fifo.pop_front().ok_or(SetupFailure::PruneNeedsKeys)?;
        map.remove(kb.of(victim));
        loop {
            let id = src.fresh();
            match map.rehash_for(kb.of(id)).map(|r| r.kind) {
                Some(Rehash::Prune) => {
                    return Ok((Region::Ops(vec![Op::Write(keys.push(id), 0)]), 1, "writes"));
                }
                None => {
                    map.insert(kb.of(id), values.get((round % VALUE_POOL) as u32));
                    fifo.push_back(id);
                    break;
                }
                Some(_) => continue,
            }
        }
    }
    Err(SetupFailure::NoPruneDue { ops: cap })
}

/// Starts the due growth; the region then drives (Go family) or triggers
/// (Swiss) its evacuation. Units are the entries to move.
fn start_growth(
    map: &mut dyn MapSetup,
    src: &mut KeySource,
    keys: &mut Arena,
    kind: GrowKind,
) -> Result<(Region, u64, &'static str), SetupFailure> {
    let entries = map.len() as u64;
    match map.start_pending_growth() {
        Some(k) if k == kind => {
            let st = map.structure().expect("incremental designs have buckets");
            let old = if kind == GrowKind::Double {
                st.buckets / 2
            } else {
                st.buckets
            };
            // Each driving delete evacuates at least one old bucket.
            let absent = (0..old + 2).map(|_| keys.push(src.fresh())).collect();
            Ok((Region::DriveGrowth(absent), entries, "entries evacuated"))
        }
        Some(k) => Err(SetupFailure::WrongGrowth {
            expected: kind,
            started: k,
        }),
        // Swiss tables grow inside the insert: the region is that insert.
        None => Ok((
            Region::Ops(vec![Op::Write(keys.push(src.fresh()), 0)]),
            entries,
            "entries evacuated",
        )),
    }
}

/// Overflow setup: N target buckets each filled to exactly 8 entries, and
/// the preallocated overflow tail used up by spare chains, so every region
/// write lands on a full chain and takes a fresh overflow bucket.
fn prepare_overflow(
    map: &mut dyn MapSetup,
    n: usize,
    kb: &mut KeyBuf,
    keys: &mut Arena,
    values: &Arena,
) -> Result<(Region, u64, &'static str), SetupFailure> {
    let v0 = values.get(0);
    for b in 0..n as u64 {
        for seq in 0..8 {
            map.insert(kb.of(id_in_bucket(b, seq)), v0);
        }
    }
    // Spare chains of 9 entries each take one preallocated overflow bucket.
    let st = map.structure().ok_or(SetupFailure::OverflowNeedsBuckets)?;
    let spare_end = n as u64 + st.prealloc_overflow_free as u64;
    if spare_end > st.buckets as u64 {
        return Err(SetupFailure::NotEnoughSpareBuckets);
    }
    for spare in n as u64..spare_end {
        for seq in 0..9 {
            map.insert(kb.of(id_in_bucket(spare, seq)), v0);
        }
    }
    if map
        .structure()
        .is_some_and(|s| s.prealloc_overflow_free != 0)
    {
        return Err(SetupFailure::PreallocLeft);
    }
    if map.pending_growth().is_some() || map.growing() {
        return Err(SetupFailure::OverflowWouldGrow);
    }
    let ops = (0..n as u64)
        .map(|b| Op::Write(keys.push(id_in_bucket(b, 8)), 1))
        .collect();
    Ok((Region::Ops(ops), n as u64, "writes"))
}
