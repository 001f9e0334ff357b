//! `mapamp inspect`: one map, built by one workload, dumped.
//!
//! Builds the map with exact accounting on, runs the workload, and reports
//! the map's structure (over the current bucket array, see
//! [`crate::gomap::structure`]) and the bytes it wrote per copy path.

use crate::accounting::{Counting, Exactness, PathBytes};
use crate::alloc_count::{self, AllocDelta};
use crate::gomap::Knobs;
use crate::gotype::{check_size, GoType, Shape};
use crate::variants::memory::{estimate_bytes, hint_entries, KEY_SOURCE_BYTES_PER_KEY};
use crate::variants::swiss::SwissShape;
use crate::variants::{self, ErasedMap, HintSpec, MapSpec, MapUnderStudy, Variant, Visit};
use crate::workload::{self, KeyDist};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Why `inspect` refuses a configuration: the option to blame, its value
/// and what would do.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// `--key` and `--key-size` (or the value's pair) both given.
    #[error(
        "--{what} and --{what}-size both set; use one: --{what} (a Go type name) or --{what}-size (bytes, [W]uint64)"
    )]
    TypeAndSize {
        /// "key" or "value".
        what: &'static str,
    },
    /// A key or value type or size mapamp cannot model.
    #[error(transparent)]
    Type(#[from] crate::gotype::TypeError),
    /// More distinct keys than the key type has values.
    #[error(
        "--n {n} distinct keys do not fit `{key}`, which has {values} values; use a smaller --n or a wider key"
    )]
    KeysDoNotFit {
        /// `--n`.
        n: usize,
        /// The key type's name.
        key: String,
        /// How many values it has.
        values: u128,
    },
    /// A knob out of its range, or one that does not apply to the variant.
    #[error(transparent)]
    Knobs(#[from] crate::variants::SpecError),
    /// `--rounds` over [`crate::limits::MAX_CHURN_ROUNDS`].
    #[error("--rounds {rounds} is more than {max}; use 0 to {max}")]
    TooManyRounds {
        /// `--rounds`.
        rounds: usize,
        /// The limit.
        max: usize,
    },
    /// The churn asks for more operations than inspect runs.
    #[error(
        "--rounds {rounds} × --k {k} churn operations plus --n {n} inserts is {ops} map operations, more than the {max} (2^32) inspect runs; use a smaller --k or --rounds"
    )]
    TooManyChurnOps {
        /// `--rounds`.
        rounds: usize,
        /// `--k`.
        k: usize,
        /// `--n`.
        n: usize,
        /// Operations asked for.
        ops: u64,
        /// The limit.
        max: u64,
    },
    /// More inserts than inspect runs.
    #[error("--n {n} is more than the {max} (2^32) inserts inspect runs; use a smaller --n")]
    TooManyInserts {
        /// `--n`.
        n: usize,
        /// The limit.
        max: u64,
    },
    /// The map, keys and churn need more memory than is available; `blame`
    /// is the option to make smaller.
    #[error("{}", memory_message(.blame, *.need_mib, *.available_mib))]
    Memory {
        /// What asks for the memory.
        blame: MemoryBlame,
        /// Memory needed, MiB.
        need_mib: u64,
        /// Memory available, MiB.
        available_mib: u64,
    },
    /// The map could not be built.
    #[error(transparent)]
    Build(#[from] crate::variants::BuildError),
}

crate::into_message!(InspectError);

/// The input an [`InspectError::Memory`] blames, with what the message names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemoryBlame {
    /// `--hint` sizes the map for more entries than `--n`.
    Hint {
        /// `--hint` as given.
        hint: String,
        /// Entries it asks for.
        entries: usize,
        /// "8-byte keys and 8-byte values".
        sizes: String,
    },
    /// The churn draws more keys than the map holds.
    Churn {
        /// `--rounds`.
        rounds: usize,
        /// `--k`.
        k: usize,
        /// Keys drawn.
        keys: u64,
    },
    /// `--n` itself.
    N {
        /// `--n`.
        n: usize,
        /// "8-byte keys and 8-byte values".
        sizes: String,
    },
}

fn memory_message(blame: &MemoryBlame, need: u64, avail: u64) -> String {
    match blame {
        MemoryBlame::Hint { hint, entries, sizes } => format!(
            "--hint {hint} (= {entries} entries) with {sizes} needs about {need} MiB at creation, more than the {avail} MiB available; use a smaller --hint"
        ),
        MemoryBlame::Churn { rounds, k, keys } => format!(
            "--rounds {rounds} × --k {k} churn operations draw {keys} keys, about {need} MiB with the map, more than the {avail} MiB available; use a smaller --k or --rounds"
        ),
        MemoryBlame::N { n, sizes } => format!(
            "n = {n} with {sizes} needs about {need} MiB, more than the {avail} MiB available; use a smaller --n"
        ),
    }
}

/// The workload that builds the inspected map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    /// Insert N distinct keys.
    Insert,
    /// Insert N random keys, then rounds of delete-one/insert-one.
    Churn,
}

/// What to build and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InspectConfig {
    /// Variant.
    pub variant: Variant,
    /// Workload.
    pub workload: Workload,
    /// Key distribution (insert workload; churn always uses random keys).
    pub keys: KeyDist,
    /// Keys inserted (before churn).
    pub n: usize,
    /// Size hint given at creation (`make(map, hint)`), possibly relative to N.
    pub hint: HintSpec,
    /// Churn rounds.
    pub rounds: usize,
    /// Churn operations per round.
    pub k: usize,
    /// Seed of keys and of the map's randomness.
    pub seed: u64,
    /// Key size in bytes.
    pub key_size: usize,
    /// Value size in bytes.
    pub value_size: usize,
    /// The key's Go type (`--key`); `None`: `[key_size/8]uint64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<GoType>,
    /// The value's Go type (`--value`); `None`: `[value_size/8]uint64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<GoType>,
    /// Tuning knobs.
    pub knobs: Knobs,
}

impl InspectConfig {
    /// Sets the key and value from Go type names (`--key`, `--value`),
    /// which replace `--key-size`/`--value-size`; giving both for one side
    /// is an error naming the two.
    pub fn with_types(
        mut self,
        key: Option<&str>,
        key_size: Option<usize>,
        value: Option<&str>,
        value_size: Option<usize>,
    ) -> Result<InspectConfig, InspectError> {
        for (what, name, size, slot, size_slot) in [
            ("key", key, key_size, &mut self.key, &mut self.key_size),
            (
                "value",
                value,
                value_size,
                &mut self.value,
                &mut self.value_size,
            ),
        ] {
            match (name, size) {
                (Some(_), Some(_)) => return Err(InspectError::TypeAndSize { what }),
                (Some(n), None) => {
                    let t = GoType::parse(n)?;
                    *size_slot = t.shape.size;
                    *slot = Some(t);
                }
                _ => {}
            }
        }
        Ok(self)
    }

    /// The key's shape.
    pub fn key_shape(&self) -> Result<Shape, crate::gotype::TypeError> {
        match &self.key {
            Some(t) => Ok(t.shape),
            None => Shape::blob("key", self.key_size),
        }
    }

    /// The value's shape.
    pub fn value_shape(&self) -> Result<Shape, crate::gotype::TypeError> {
        match &self.value {
            Some(t) => Ok(t.shape),
            None => Shape::blob("value", self.value_size),
        }
    }

    /// The map type as Go spells it (`map[int32]struct{}`), or `kXvY`.
    pub fn types_label(&self) -> String {
        match (&self.key, &self.value) {
            (None, None) => format!("k{}v{}", self.key_size, self.value_size),
            (k, v) => format!(
                "map[{}]{}",
                k.as_ref().map_or_else(
                    || format!("[{}]uint64", self.key_size / 8),
                    |t| t.name.clone()
                ),
                v.as_ref().map_or_else(
                    || format!("[{}]uint64", self.value_size / 8),
                    |t| t.name.clone()
                ),
            ),
        }
    }
}

/// The heap figures of one Go release's model for the inspected map type,
/// `n` and hint ([`crate::heap`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReleaseHeap {
    /// The Go release (`go1.19`, `go1.24`, `go1.26`, `go1.27`, `go1.27split`).
    pub release: String,
    /// The model variant that stands for it.
    pub variant: String,
    /// Heap bytes (the map header included), as `runtime.MemStats.TotalAlloc`
    /// counts them; `None` when unavailable.
    pub heap_bytes: Option<u64>,
    /// Heap objects (`Mallocs`); `None` when unavailable.
    pub objects: Option<u64>,
    /// Why the figures are unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

/// The state of an inspected map. Fields that do not apply to a design are `null`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InspectReport {
    /// Variant name.
    pub variant: String,
    /// The configuration that built the map.
    pub config: InspectConfig,
    /// Live entries at the end.
    pub n: usize,
    /// log2 of the bucket count.
    pub b: Option<u8>,
    /// Main buckets.
    pub buckets: Option<usize>,
    /// Whether a growth is in progress.
    pub growing: Option<bool>,
    /// Overflow buckets reachable from the current array.
    pub overflow_buckets: Option<usize>,
    /// % of buckets with an overflow bucket.
    pub pct_buckets_with_overflow: Option<f64>,
    /// Mean position of a present key among the filled slots of its chain.
    pub hitprobe: Option<f64>,
    /// Mean filled slots per chain.
    pub missprobe: Option<f64>,
    /// Bucket bytes per entry beyond key and value.
    pub overhead_bytes_per_entry: Option<f64>,
    /// `chain_len_hist[i]` = buckets whose chain is `i` buckets long.
    pub chain_len_hist: Option<Vec<usize>>,
    /// Go's approximate overflow counter.
    pub noverflow: Option<u16>,
    /// Growths that doubled the bucket count.
    pub doubling_grows: u64,
    /// Same-size growths.
    pub same_size_grows: u64,
    /// Key + value bytes of every write asked for.
    pub payload_bytes: u64,
    /// Bytes written per copy path.
    pub bytes_written: PathBytes,
    /// Sum of `bytes_written`.
    pub total_bytes_written: u64,
    /// `total_bytes_written / payload_bytes`.
    pub write_amplification: Option<f64>,
    /// How exact the byte figures are.
    pub accounting: Exactness,
    /// Allocations the modelled design makes.
    pub model_allocations: u64,
    /// Bytes of those allocations.
    pub model_allocated_bytes: u64,
    /// Overflow buckets taken from preallocated tails.
    pub overflow_prealloc_taken: u64,
    /// Overflow buckets allocated one by one (or from a slab).
    pub overflow_fresh_taken: u64,
    /// Entries moved by evacuation.
    pub entries_evacuated: u64,
    /// Table shape, for Swiss tables (`null` for the Go family).
    pub swiss: Option<SwissShape>,
    /// Directory and tables of the Go Swiss-map model (absent for others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_swiss: Option<crate::goswiss::Structure>,
    /// Go Swiss map: table splits, directory doublings, tombstones pruned
    /// (absent for others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_swiss_events: Option<GoSwissEvents>,
    /// Real heap allocations of building the map, counted by mapamp's
    /// allocator (`installed: false` when it is not the global allocator).
    pub heap: AllocDelta,
    /// Insert workload: the heap bytes and objects Go would allocate for
    /// `make(map[K]V, hint)` and these `n` inserts, per Go release's model
    /// (empty for the churn workload).
    #[serde(default)]
    pub heap_by_release: Vec<ReleaseHeap>,
    /// String keys: the bytes of the keys' own strings (the program
    /// allocates them, the map holds only their 16-byte headers), counted
    /// here on their own and never in the map's figures; `None` for other
    /// key types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_key_bytes: Option<u64>,
}

/// Bytes of each string key's own data in the workloads: 12 characters,
/// as the reference program's keys (`tests/data/evolution`).
pub const STRING_KEY_BYTES: u64 = 12;

/// Growth events of the Go Swiss-map model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoSwissEvents {
    /// Table doublings.
    pub table_grows: u64,
    /// 1024-slot tables split.
    pub table_splits: u64,
    /// Directory doublings.
    pub directory_grows: u64,
    /// Tombstones pruned back to empty.
    pub tombstones_pruned: u64,
}

/// Checks a configuration before anything is built: sizes, knobs, the
/// churn's size ([`crate::limits`]) and the memory the map and the keys
/// need, with an error naming the input to blame.
pub fn validate(cfg: &InspectConfig) -> Result<(), InspectError> {
    use crate::limits::{MAX_CHURN_ROUNDS, MAX_WORKLOAD_OPS};
    if cfg.key.is_none() {
        check_size("key", cfg.key_size)?;
    }
    if cfg.value.is_none() {
        check_size("value", cfg.value_size)?;
    }
    let key = cfg.key_shape()?;
    if key.size < 8 && (cfg.n as u128) > (1u128 << (8 * key.size)) {
        return Err(InspectError::KeysDoNotFit {
            n: cfg.n,
            key: cfg
                .key
                .as_ref()
                .map_or("?", |t| t.name.as_str())
                .to_string(),
            values: 1u128 << (8 * key.size),
        });
    }
    spec_of(cfg).validate()?;
    if cfg.rounds > MAX_CHURN_ROUNDS {
        return Err(InspectError::TooManyRounds {
            rounds: cfg.rounds,
            max: MAX_CHURN_ROUNDS,
        });
    }
    let churn_ops = match cfg.workload {
        Workload::Insert => 0,
        Workload::Churn => (cfg.rounds as u64).saturating_mul(cfg.k as u64),
    };
    let ops = (cfg.n as u64).saturating_add(churn_ops);
    if ops > MAX_WORKLOAD_OPS {
        return Err(if churn_ops > 0 {
            InspectError::TooManyChurnOps {
                rounds: cfg.rounds,
                k: cfg.k,
                n: cfg.n,
                ops,
                max: MAX_WORKLOAD_OPS,
            }
        } else {
            InspectError::TooManyInserts {
                n: cfg.n,
                max: MAX_WORKLOAD_OPS,
            }
        });
    }
    let hint = cfg.hint.resolve(cfg.n);
    let hint_entries = hint_entries(
        cfg.variant,
        hint,
        cfg.key_size,
        cfg.value_size,
        cfg.knobs.inline_limit,
    );
    let map = estimate_bytes(cfg.n.max(hint_entries), cfg.key_size, cfg.value_size);
    // The workload remembers every key it drew (to keep keys distinct).
    let keys = ops.saturating_mul(KEY_SOURCE_BYTES_PER_KEY);
    let need = map.saturating_add(keys);
    if let Some(avail) = crate::machine::available_memory_bytes() {
        if need > avail {
            let sizes = format!(
                "{}-byte keys and {}-byte values",
                cfg.key_size, cfg.value_size
            );
            let blame = if hint_entries > cfg.n {
                MemoryBlame::Hint {
                    hint: cfg.hint.to_string(),
                    entries: hint,
                    sizes,
                }
            } else if churn_ops > 0 && keys > map {
                MemoryBlame::Churn {
                    rounds: cfg.rounds,
                    k: cfg.k,
                    keys: churn_ops,
                }
            } else {
                MemoryBlame::N { n: cfg.n, sizes }
            };
            return Err(InspectError::Memory {
                blame,
                need_mib: need >> 20,
                available_mib: avail >> 20,
            });
        }
    }
    Ok(())
}

fn spec_of(cfg: &InspectConfig) -> MapSpec {
    MapSpec {
        variant: cfg.variant,
        knobs: cfg.knobs,
        hint: cfg.hint.resolve(cfg.n),
        seed: cfg.seed,
    }
}

/// Builds the map and reports on it.
pub fn inspect(cfg: &InspectConfig) -> Result<InspectReport, InspectError> {
    validate(cfg)?;
    // The map is built inside the visit, so heap allocations are measured
    // around construction and workload alike.
    let (key, elem) = (cfg.key_shape()?, cfg.value_shape()?);
    let (report, heap) = alloc_count::measure(|| {
        variants::build::<Counting, _>(&spec_of(cfg), key, elem, Inspector(cfg))
    });
    let mut r = report?;
    r.heap = heap;
    if cfg.key_shape()? == Shape::STRING {
        r.string_key_bytes = Some(STRING_KEY_BYTES * cfg.n as u64);
    }
    Ok(r)
}

/// [`inspect`], and for the insert workload the heap figures of every Go
/// release's model for the same map type, `n` and hint
/// ([`InspectReport::heap_by_release`]): what `mapamp inspect` prints.
pub fn inspect_with_releases(cfg: &InspectConfig) -> Result<InspectReport, InspectError> {
    let mut r = inspect(cfg)?;
    if cfg.workload == Workload::Insert {
        let hint = cfg.hint.resolve(cfg.n);
        for v in crate::heap::RELEASE_MODELS {
            let f = crate::heap::fill(
                v,
                cfg.key_shape()?,
                cfg.value_shape()?,
                cfg.n,
                hint,
                cfg.seed,
            );
            r.heap_by_release.push(ReleaseHeap {
                release: crate::heap::release_name(v).unwrap_or_default().to_string(),
                variant: v.name().to_string(),
                heap_bytes: f.as_ref().ok().map(|f| f.heap_bytes),
                objects: f.as_ref().ok().map(|f| f.objects),
                unavailable: f.err().map(|e| e.to_string()),
            });
        }
    }
    Ok(r)
}

struct Inspector<'a>(&'a InspectConfig);

impl Visit for Inspector<'_> {
    type Out = InspectReport;
    fn visit<M: MapUnderStudy>(self, mut map: M) -> InspectReport {
        let cfg = self.0;
        match cfg.workload {
            Workload::Insert => {
                workload::insert(&mut map, cfg.n, cfg.keys, cfg.seed);
            }
            Workload::Churn => {
                workload::churn(&mut map, cfg.n, cfg.rounds, cfg.k, cfg.seed);
            }
        }
        report_of(&map, cfg)
    }
}

fn report_of(m: &dyn ErasedMap, cfg: &InspectConfig) -> InspectReport {
    let acct = m.accounting().unwrap_or_default();
    let st = m.structure();
    InspectReport {
        variant: m.variant().to_string(),
        config: cfg.clone(),
        n: m.len(),
        b: st.as_ref().map(|s| s.b),
        buckets: st.as_ref().map(|s| s.buckets),
        growing: st.as_ref().map(|s| s.growing),
        overflow_buckets: st.as_ref().map(|s| s.overflow_buckets),
        pct_buckets_with_overflow: st.as_ref().map(|s| s.pct_buckets_with_overflow),
        hitprobe: st.as_ref().map(|s| s.hitprobe),
        missprobe: st.as_ref().map(|s| s.missprobe),
        overhead_bytes_per_entry: st.as_ref().map(|s| s.overhead_bytes_per_entry),
        chain_len_hist: st.as_ref().map(|s| s.chain_len_hist.clone()),
        noverflow: st.as_ref().map(|s| s.noverflow),
        doubling_grows: acct.doubling_grows,
        same_size_grows: acct.same_size_grows,
        payload_bytes: acct.payload_bytes,
        bytes_written: acct.bytes_written,
        total_bytes_written: acct.total_bytes(),
        write_amplification: acct.write_amplification(),
        accounting: m.exactness(),
        model_allocations: acct.model_allocations,
        model_allocated_bytes: acct.model_allocated_bytes,
        overflow_prealloc_taken: acct.overflow_prealloc_taken,
        overflow_fresh_taken: acct.overflow_fresh_taken,
        entries_evacuated: acct.entries_evacuated,
        swiss: m.swiss(),
        go_swiss: m.swiss_structure(),
        go_swiss_events: cfg.variant.is_go_swiss().then_some(GoSwissEvents {
            table_grows: acct.doubling_grows,
            table_splits: acct.table_splits,
            directory_grows: acct.directory_grows,
            tombstones_pruned: acct.tombstones_pruned,
        }),
        heap: AllocDelta::default(),
        heap_by_release: Vec::new(),
        string_key_bytes: None,
    }
}

fn opt<T: std::fmt::Display>(x: &Option<T>) -> String {
    x.as_ref()
        .map_or_else(|| "n/a".to_string(), |v| v.to_string())
}

fn opt_f(x: Option<f64>, prec: usize) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v:.prec$}"))
}

/// A summary for a person at a terminal.
pub fn render_text(r: &InspectReport) -> String {
    let c = &r.config;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} after `{:?}` of n={} ({:?} keys, {}, hint {}, seed {})",
        r.variant,
        c.workload,
        c.n,
        c.keys,
        c.types_label(),
        c.hint,
        c.seed
    );
    if c.workload == Workload::Churn {
        let _ = writeln!(s, "  churn: {} rounds x {} delete+insert", c.rounds, c.k);
    }
    let hint = c.hint.resolve(c.n);
    if hint > 0
        && hint_entries(
            c.variant,
            hint,
            c.key_size,
            c.value_size,
            c.knobs.inline_limit,
        ) == 0
    {
        let why = if c.variant.is_go_swiss() {
            "its tables would exceed 2^48 bytes, so NewMap makes an empty map (as Go 1.26 does)"
        } else {
            "its buckets would exceed 2^48 bytes, so makemap sets it to 0 (as Go 1.19 does)"
        };
        let _ = writeln!(s, "  hint {hint} ignored: {why}");
    }
    if c.variant.is_go_family() {
        let _ =
            writeln!(
            s,
            "  knobs: load factor {}, evacuate batch {}, inline limit {} B, overflow prealloc {}",
            c.knobs.load_factor,
            c.knobs.evacuate_batch,
            c.knobs.inline_limit,
            if c.knobs.overflow_prealloc { "on" } else { "off" }
        );
    }
    if let Some(st) = &r.go_swiss {
        render_go_swiss(&mut s, r, st);
    } else if let Some(sw) = &r.swiss {
        let _ = writeln!(s, "\nstructure (Swiss table, derived)");
        let _ = writeln!(s, "  entries             {}", r.n);
        let _ = writeln!(
            s,
            "  slots / capacity    {} / {} (load {:.3})",
            sw.slots, sw.capacity, sw.load
        );
    } else {
        render_buckets(&mut s, r);
    }
    render_bytes(&mut s, r);
    render_heap_by_release(&mut s, r);
    s
}

fn render_heap_by_release(s: &mut String, r: &InspectReport) {
    if !r.heap_by_release.is_empty() {
        let _ = writeln!(
            s,
            "
heap per Go release (model: make(map, {}) + {} inserts; map header included)",
            r.config.hint.resolve(r.config.n),
            r.config.n
        );
        for h in &r.heap_by_release {
            let _ = match (h.heap_bytes, h.objects, &h.unavailable) {
                (Some(b), Some(o), _) => writeln!(
                    s,
                    "  {:<12}{:<18}{b:>12} bytes {o:>8} objects",
                    h.release, h.variant
                ),
                (_, _, why) => writeln!(
                    s,
                    "  {:<12}{:<18}unavailable: {}",
                    h.release,
                    h.variant,
                    why.as_deref().unwrap_or("no figure")
                ),
            };
        }
    }
    if let Some(b) = r.string_key_bytes {
        let _ = writeln!(
            s,
            "  string keys' own bytes: {b} ({STRING_KEY_BYTES} per key; allocated by the program, not in the map's figures)"
        );
    }
}

fn render_buckets(s: &mut String, r: &InspectReport) {
    let _ = writeln!(s, "\nstructure (current bucket array)");
    let _ = writeln!(s, "  entries             {}", r.n);
    let _ = writeln!(
        s,
        "  B / buckets         {} / {}",
        opt(&r.b),
        opt(&r.buckets)
    );
    let _ = writeln!(s, "  growing             {}", opt(&r.growing));
    let _ = writeln!(
        s,
        "  overflow buckets    {} ({}% of buckets have one; noverflow {})",
        opt(&r.overflow_buckets),
        opt_f(r.pct_buckets_with_overflow, 2),
        opt(&r.noverflow)
    );
    let _ = writeln!(
        s,
        "  hitprobe/missprobe  {} / {}",
        opt_f(r.hitprobe, 3),
        opt_f(r.missprobe, 3)
    );
    let _ = writeln!(
        s,
        "  overhead/entry      {} bytes",
        opt_f(r.overhead_bytes_per_entry, 2)
    );
    if let Some(h) = &r.chain_len_hist {
        let parts: Vec<String> = h
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, &c)| c > 0)
            .map(|(len, c)| format!("{len}:{c}"))
            .collect();
        let _ = writeln!(s, "  chain lengths       {}", parts.join("  "));
    }
}

fn render_go_swiss(s: &mut String, r: &InspectReport, st: &crate::goswiss::Structure) {
    let _ = writeln!(s, "\nstructure (Go Swiss map: directory and tables)");
    let _ = writeln!(s, "  entries             {}", st.used);
    if st.small {
        let _ = writeln!(
            s,
            "  small map           one group of 8 slots, no directory ({} slots allocated)",
            st.slots
        );
    } else {
        let _ = writeln!(
            s,
            "  directory           {} entries, global depth {}",
            st.dir_len, st.global_depth
        );
        let mut caps = std::collections::BTreeMap::new();
        let mut depths = std::collections::BTreeMap::new();
        for t in &st.tables {
            *caps.entry(t.capacity).or_insert(0usize) += 1;
            *depths.entry(t.local_depth as u16).or_insert(0usize) += 1;
        }
        let join = |m: &std::collections::BTreeMap<_, usize>| {
            m.iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect::<Vec<_>>()
                .join("  ")
        };
        let _ = writeln!(
            s,
            "  tables              {} (capacity:count {})",
            st.tables.len(),
            join(&caps)
        );
        let _ = writeln!(s, "  local depths        {}", join(&depths));
        let (used, left): (u64, u64) = st.tables.iter().fold((0, 0), |(u, g), t| {
            (u + t.used as u64, g + t.growth_left as u64)
        });
        let _ = writeln!(
            s,
            "  slots / load        {} / {:.3} (used {}, growthLeft {}, tombstones {})",
            st.slots,
            st.load,
            used,
            left,
            st.tombstones()
        );
        let _ = writeln!(
            s,
            "  hitprobe/missprobe  {:.3} / {:.3} groups",
            st.hitprobe, st.missprobe
        );
    }
    let _ = writeln!(
        s,
        "  overhead/entry      {:.2} bytes",
        st.overhead_bytes_per_entry
    );
    if let Some(e) = &r.go_swiss_events {
        let _ = writeln!(
            s,
            "  rehashes            {} table doublings, {} splits, {} directory doublings; {} tombstones pruned",
            e.table_grows, e.table_splits, e.directory_grows, e.tombstones_pruned
        );
    }
}

fn render_bytes(s: &mut String, r: &InspectReport) {
    if !r.config.variant.is_go_swiss() {
        let _ = writeln!(
            s,
            "  growths             {} doubling, {} same-size",
            r.doubling_grows, r.same_size_grows
        );
    }
    let _ = writeln!(
        s,
        "\nbytes written ({} accounting)",
        match r.accounting {
            Exactness::Exact => "exact",
            Exactness::Derived => "derived",
        }
    );
    let total = r.total_bytes_written.max(1) as f64;
    // Only the paths this variant can take (the others are n/a for it).
    for &p in r.config.variant.copy_paths() {
        let b = r.bytes_written.get(p);
        let _ = writeln!(
            s,
            "  {:<20}{:>16}  {:>6.2}%",
            p.name(),
            b,
            100.0 * b as f64 / total
        );
    }
    let _ = writeln!(s, "  {:<20}{:>16}", "total", r.total_bytes_written);
    let _ = writeln!(s, "  {:<20}{:>16}", "payload", r.payload_bytes);
    let _ = writeln!(
        s,
        "  write amplification {}",
        opt_f(r.write_amplification, 4)
    );
    if r.config.variant.is_go_swiss() {
        let _ = writeln!(
            s,
            "  model allocations   {} ({} bytes, allocator-rounded; the 48-byte map header not included)",
            r.model_allocations, r.model_allocated_bytes
        );
    } else {
        let _ = writeln!(
            s,
            "  model allocations   {} ({} bytes); overflow taken: {} preallocated, {} fresh",
            r.model_allocations,
            r.model_allocated_bytes,
            r.overflow_prealloc_taken,
            r.overflow_fresh_taken
        );
    }
    if r.heap.installed {
        let _ = writeln!(
            s,
            "  heap allocations    {} ({} bytes) measured while building",
            r.heap.allocations, r.heap.bytes
        );
    } else {
        let _ = writeln!(
            s,
            "  heap allocations    unavailable (counting allocator not installed)"
        );
    }
}
