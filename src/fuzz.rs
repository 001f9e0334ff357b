//! The fuzz targets' bodies: bytes in, a finding (`Err`) out.
//!
//! The same bodies run under libFuzzer (`fuzz/`, `cargo +nightly fuzz`,
//! coverage-guided) and on stable under `cargo test --test it fuzz::` (the seed
//! corpus in `fuzz/corpus/`, then mutations of it and random inputs for a
//! time budget), so CI always fuzzes.
//!
//! - [`model`]: one variant (every variant has its own target) built
//!   through [`variants::build_with`] with knobs, key/value sizes, a size
//!   hint, a seed and (Go models, classic and Swiss) a colliding hasher
//!   drawn from the input,
//!   then a random sequence of insert / update / get / delete / iterate /
//!   clear through [`MapUnderStudy`], checked step by step against
//!   `std::collections::HashMap` and the model's own `check_invariants`.
//! - [`profile`]: any text through the profile parser and its cell
//!   expansion: an error or a profile, never a panic or a hang.
//!
//! Input is decoded with `arbitrary::Unstructured`, which never fails: a
//! short input just ends the sequence early.

use crate::accounting::Counting;
use crate::gomap::{EvacuateBatch, Knobs};
use crate::gotype::{fill_from_id, Shape, SUPPORTED_SIZES};
use crate::hash::CollidingHash;
use crate::variants::{self, HasherChoice, MapSpec, MapUnderStudy, Variant};
use arbitrary::Unstructured;
use std::collections::HashMap;

/// Most operations one input runs (keeps one execution in the
/// sub-millisecond range, so a run reaches millions).
pub const MAX_OPS: usize = 2048;

/// Key and value shapes the Go models (classic and Swiss) are fuzzed with: the sizes
/// profiles offer, and Go shapes the byte-addressed model takes beyond them
/// (`struct{}`, `bool`, `int16`, `[3]byte`, `int32`, and 200 bytes, stored
/// through a pointer). Keys shorter than 8 bytes keep an id's low bytes, so
/// equal keys (updates) are drawn often.
const GO_SHAPES: [Shape; 11] = [
    Shape::EMPTY,
    Shape::scalar(1),
    Shape::scalar(2),
    Shape::bytes(3),
    Shape::scalar(4),
    Shape::words(1),
    Shape::words(2),
    Shape::words(4),
    Shape::words(16),
    Shape::bytes(200),
    Shape::words(32),
];

/// What an execution did, for the runner's statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Exec {
    /// Operations run.
    pub ops: usize,
    /// Largest number of entries the map held.
    pub max_len: usize,
}

/// Fuzzes one variant with `data`.
pub fn model(variant: Variant, data: &[u8]) -> Result<Exec, String> {
    let mut u = Unstructured::new(data);
    let shape = |u: &mut Unstructured<'_>| {
        if variant.is_go_family() || variant.is_go_swiss() {
            GO_SHAPES[pick(u, GO_SHAPES.len())]
        } else {
            // The reference Swiss tables are typed for the profile sizes only.
            Shape::words(SUPPORTED_SIZES[pick(u, SUPPORTED_SIZES.len())] / 8)
        }
    };
    let key = shape(&mut u);
    let elem = shape(&mut u);
    let seed: u64 = u.arbitrary().unwrap_or(0);
    let hint = match pick(&mut u, 8) {
        0..=3 => 0,
        4..=6 => u.int_in_range(0..=1024).unwrap_or(0),
        // Huge: Go's makemap and NewMap make an empty map (the reference
        // Swiss tables would allocate it: not drawn).
        _ if variant.is_go_family() || variant.is_go_swiss() => {
            usize::MAX - u.int_in_range(0..=8).unwrap_or(0)
        }
        _ => u.int_in_range(0..=4096).unwrap_or(0),
    };
    let hasher = |u: &mut Unstructured<'_>| match pick(u, 4) {
        0 => HasherChoice::Colliding(CollidingHash::BucketInId),
        1 => HasherChoice::Colliding(CollidingHash::FewBuckets),
        _ => HasherChoice::Seeded,
    };
    let (knobs, hasher) = if variant.is_go_family() {
        let knobs = Knobs {
            load_factor: 1.0 + 0.25 * pick(&mut u, 29) as f64,
            evacuate_batch: match pick(&mut u, 6) {
                5 => EvacuateBatch::All,
                x => EvacuateBatch::Extra(x as u32),
            },
            inline_limit: [8, 16, 32, 64, 128, 256, 1 << 20][pick(&mut u, 7)],
            overflow_prealloc: u.arbitrary().unwrap_or(true),
        };
        (knobs, hasher(&mut u))
    } else if variant.is_go_swiss() {
        // The Swiss model has no knobs; its hasher is pluggable too.
        (Knobs::default(), hasher(&mut u))
    } else {
        (Knobs::default(), HasherChoice::Seeded)
    };
    let spec = MapSpec {
        variant,
        knobs,
        hint,
        seed,
    };
    let rest = u.take_rest();
    // Boxed: the checker is cold code, compiled once rather than per map type.
    let map = variants::build_any::<Counting>(&spec, key, elem, hasher)
        .map_err(|e| format!("the map could not be built from {spec:?}: {e}"))?;
    check_sequence(map, rest)
}

/// A uniform choice in `0..n` (0 when the input is used up).
fn pick(u: &mut Unstructured<'_>, n: usize) -> usize {
    u.choose_index(n).unwrap_or(0)
}

/// Runs the operation sequence `data` encodes (over a key space it also
/// draws, 1 to 4096 keys) on `map`, checking every answer against
/// `std::collections::HashMap` and the map's invariants; the first
/// difference is the error.
pub fn check_sequence<M: MapUnderStudy>(mut map: M, data: &[u8]) -> Result<Exec, String> {
    let mut u = Unstructured::new(data);
    let key_space: u64 = u.int_in_range(1..=4096).unwrap_or(64);
    let (key_size, elem_size) = (map.key_shape().size, map.elem_shape().size);
    let bytes_of = |id: u64, size: usize| {
        let mut b = vec![0u8; size];
        fill_from_id(id, &mut b);
        b
    };
    let mut oracle: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    let mut exec = Exec::default();
    let check = |map: &M, oracle: &HashMap<Vec<u8>, Vec<u8>>, step: usize, what: &str| {
        if map.len() != oracle.len() {
            return Err(format!(
                "step {step} ({what}): len {} but the oracle has {}",
                map.len(),
                oracle.len()
            ));
        }
        map.check_invariants()
            .map_err(|e| format!("step {step} ({what}): invariant broken: {e}"))
    };
    check(&map, &oracle, 0, "new map")?;
    while exec.ops < MAX_OPS && !u.is_empty() {
        let step = exec.ops;
        exec.ops += 1;
        let key = bytes_of(u.int_in_range(0..=key_space - 1).unwrap_or(0), key_size);
        let what = match pick(&mut u, 32) {
            0..=15 => {
                let val = bytes_of(u.arbitrary().unwrap_or(0), elem_size);
                let new = map.insert(&key, &val);
                if new != oracle.insert(key.clone(), val).is_none() {
                    return Err(format!("step {step}: insert of {key:?} said new = {new}"));
                }
                "insert"
            }
            16..=22 => {
                let (got, want) = (map.get(&key), oracle.get(&key).map(Vec::as_slice));
                if got != want {
                    return Err(format!(
                        "step {step}: get {key:?} gave {got:?}, the oracle {want:?}"
                    ));
                }
                "get"
            }
            23..=29 => {
                let removed = map.remove(&key);
                if removed != oracle.remove(&key).is_some() {
                    return Err(format!(
                        "step {step}: remove of {key:?} said present = {removed}"
                    ));
                }
                "remove"
            }
            30 => {
                let mut seen: HashMap<Vec<u8>, Vec<u8>> = HashMap::with_capacity(oracle.len());
                let mut twice = None;
                map.for_each(&mut |k, v| {
                    if seen.insert(k.to_vec(), v.to_vec()).is_some() {
                        twice = Some(k.to_vec());
                    }
                });
                if let Some(k) = twice {
                    return Err(format!("step {step}: iteration returned {k:?} twice"));
                }
                if seen != oracle {
                    return Err(format!(
                            "step {step}: iteration gave {} entries, the oracle has {} (or other values)",
                            seen.len(),
                            oracle.len()
                        ));
                }
                "iterate"
            }
            _ => {
                // Clear is rare: most of the interest is in full maps.
                if u.ratio(1, 4).unwrap_or(false) {
                    map.clear();
                    oracle.clear();
                    "clear"
                } else {
                    "nothing"
                }
            }
        };
        exec.max_len = exec.max_len.max(oracle.len());
        // Invariants after every step while the map is small, then
        // every 16 steps (a full check walks every bucket).
        if oracle.len() <= 64 || step.is_multiple_of(16) {
            check(&map, &oracle, step, what)?;
        }
    }
    check(&map, &oracle, exec.ops, "end")?;
    for (k, v) in &oracle {
        if map.get(k) != Some(v.as_slice()) {
            return Err(format!("end: {k:?} lost or changed"));
        }
    }
    Ok(exec)
}

/// Parses `data` as a profile (lossy UTF-8) and expands its cells: an error
/// or a profile, whose cells must all have valid, distinct ids.
pub fn profile(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let Ok(p) = crate::profile::parse("fuzz.toml", "fuzz", &text) else {
        return Ok(());
    };
    let cells = p.cells();
    let mut ids = std::collections::HashSet::new();
    for c in &cells.cells {
        if !ids.insert(c.id()) {
            return Err(format!("cell {} listed twice", c.id()));
        }
    }
    if cells.cells.is_empty() {
        return Err("a profile was accepted with no cell".into());
    }
    Ok(())
}
