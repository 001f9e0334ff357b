//! The models of each Go release against the real runtimes' heap figures,
//! per key and value type: `tests/data/evolution/*.json`, written by
//! `go/cmd/evolutionref` (see the README there) on Go 1.19, 1.26, 1.27 and
//! 1.27 + `GOEXPERIMENT=mapsplitgroup`.
//!
//! A record is `make(map[K]V, hint)` and `n` inserts of distinct keys:
//! heap bytes and objects (`TotalAlloc`, `Mallocs`, the 48-byte map header
//! included), the median over maps with their own hash seeds, and the
//! seed-to-seed range where maps differed. The models
//! ([`mapamp::heap`]) must give:
//!
//! - Swiss releases (`goswiss`, `goswiss-127`, `goswiss-127split`) on
//!   presized cells (hint = n): exactly the median, or, where the runtime's
//!   maps differed (a seed overfilled a table at n = 100,000, or a stray
//!   runtime allocation landed in one window), a figure within the range;
//! - the classic map (`gomap`, Go 1.19) on presized cells: within the
//!   recorded range (its overflow buckets depend on the seed), the model's
//!   median over 5 seeds;
//! - the full small map's update (`update_full_small`): exactly, on every
//!   Swiss release (1.26 grows into a table, 1.27 does not).
//!
//! The largest difference found (model − runtime median) is printed.

use mapamp::gotype::Shape;
use mapamp::heap::{fill, update_full_small, HeapFigures};
use mapamp::variants::Variant;
use serde_json::Value;

const RELEASES: [(&str, Variant); 4] = [
    ("go1.19", Variant::GoMap),
    ("go1.26", Variant::GoSwiss),
    ("go1.27", Variant::GoSwiss127),
    ("go1.27split", Variant::GoSwiss127Split),
];

fn load(release: &str) -> Value {
    let path = format!(
        "{}/tests/data/evolution/{release}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Rec {
    key: String,
    value: String,
    n: usize,
    hint: usize,
    heap: u64,
    objects: u64,
    /// (min, max) of heap bytes and of objects.
    range: Option<((u64, u64), (u64, u64))>,
}

fn recs(doc: &Value, field: &str) -> Vec<Rec> {
    let u = |r: &Value, f: &str| r[f].as_u64().unwrap_or_else(|| panic!("{f} in {r}"));
    doc[field]
        .as_array()
        .unwrap_or_else(|| panic!("no `{field}` array"))
        .iter()
        .map(|r| Rec {
            key: r["key"].as_str().unwrap().to_string(),
            value: r["value"].as_str().unwrap().to_string(),
            n: u(r, "n") as usize,
            hint: u(r, "hint") as usize,
            heap: u(r, "heap_bytes"),
            objects: u(r, "objects"),
            range: r.get("spread").map(|s| {
                (
                    (u(s, "heap_bytes_min"), u(s, "heap_bytes_max")),
                    (u(s, "objects_min"), u(s, "objects_max")),
                )
            }),
        })
        .collect()
}

fn shape(name: &str) -> Shape {
    Shape::parse_go(name).unwrap_or_else(|e| panic!("{e}"))
}

fn within(fig: HeapFigures, r: &Rec) -> bool {
    match r.range {
        Some(((hl, hh), (ol, oh))) => {
            (hl..=hh).contains(&fig.heap_bytes) && (ol..=oh).contains(&fig.objects)
        }
        None => fig.heap_bytes == r.heap && fig.objects == r.objects,
    }
}

/// Cells checked, the ones that failed, and the largest difference of
/// heap bytes from the runtime's median.
#[derive(Default)]
struct Tally {
    checked: usize,
    failures: Vec<String>,
    largest: (i64, String),
}

impl Tally {
    /// Records the model's figure for record `r` of `release`; it passes
    /// when it is the median or within the runtime's range.
    fn record(&mut self, release: &str, fig: HeapFigures, r: &Rec) {
        let what = format!(
            "{release} map[{}]{} n={} hint={}: model {} bytes {} objects, Go {} bytes {} objects (range {:?})",
            r.key, r.value, r.n, r.hint, fig.heap_bytes, fig.objects, r.heap, r.objects, r.range
        );
        let diff = fig.heap_bytes as i64 - r.heap as i64;
        if diff.abs() > self.largest.0.abs() {
            self.largest = (diff, what.clone());
        }
        let exact = fig.heap_bytes == r.heap && fig.objects == r.objects;
        if !(exact || within(fig, r)) {
            self.failures.push(what);
        }
        self.checked += 1;
    }

    /// Prints the largest difference and asserts at least `min` cells
    /// were checked and none failed.
    fn finish(self, what: &str, min: usize) {
        println!(
            "{what}: {} checked; largest difference {} bytes: {}",
            self.checked, self.largest.0, self.largest.1
        );
        assert!(
            self.checked >= min,
            "only {} {what} in the data",
            self.checked
        );
        assert!(
            self.failures.is_empty(),
            "{} of {} differ:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
    }
}

#[test]
fn swiss_models_match_the_real_runtimes_on_presized_cells() {
    let mut t = Tally::default();
    for (release, variant) in RELEASES.into_iter().skip(1) {
        for r in recs(&load(release), "fill") {
            if r.hint == r.n {
                let fig = fill(variant, shape(&r.key), shape(&r.value), r.n, r.hint, 1).unwrap();
                t.record(release, fig, &r);
            }
        }
    }
    t.finish("presized Swiss cells", 3 * 100);
}

#[test]
fn classic_model_is_within_go_1_19_seed_spread_on_presized_cells() {
    let mut t = Tally::default();
    for r in recs(&load("go1.19"), "fill") {
        if r.hint != r.n || r.n > 1000 {
            continue;
        }
        // The model's median over 5 seeds.
        let mut figs: Vec<HeapFigures> = (1..=5)
            .map(|seed| {
                fill(
                    Variant::GoMap,
                    shape(&r.key),
                    shape(&r.value),
                    r.n,
                    r.hint,
                    seed,
                )
                .unwrap()
            })
            .collect();
        figs.sort_by_key(|f| f.heap_bytes);
        t.record("go1.19", figs[2], &r);
    }
    t.finish("presized go1.19 cells up to n = 1000", 100);
}

#[test]
fn a_full_small_maps_update_allocates_as_each_release_does() {
    let mut t = Tally::default();
    for (release, variant) in RELEASES.into_iter().skip(1) {
        for r in recs(&load(release), "update_full_small") {
            let fig = update_full_small(variant, shape(&r.key), shape(&r.value), r.hint).unwrap();
            t.record(release, fig, &r);
        }
    }
    t.finish("full small maps' updates", 3 * 20);
}
