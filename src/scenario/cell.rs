//! Cells: one point of a profile's configuration matrix.

use super::{Inapplicable, Keys, Scenario, ScenarioError};
use crate::cell::CellId;
use crate::gomap::Knobs;
use crate::gotype::{GoType, Shape};
use crate::variants::{HintSpec, Variant};
use serde::{Deserialize, Serialize};

/// The axes that define a cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellAxes {
    /// Scenario (`assign`, `overflow`, `evacuate_double`, ..., `insert`, `locate`).
    pub scenario: String,
    /// Variant name (for `locate`: the hash function).
    pub variant: String,
    /// Tuning configuration name (for `locate`: the index method).
    pub config: String,
    /// N: keys of the workload (see the scenario's definition).
    pub n: usize,
    /// Key distribution (`random`, `sequential`, `zipf`, `colliding`; `u64`/`strings` for locate).
    pub keys: String,
    /// Key size in bytes.
    pub key_size: usize,
    /// Value size in bytes.
    pub value_size: usize,
    /// The key's Go type name, when the profile names types (`int32`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    /// The value's Go type name, when the profile names types (`struct{}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    /// Knob values of the configuration (Go family).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knobs: Option<Knobs>,
    /// Size hint as written in the configuration (`none`, `n`, `2n`, a number).
    pub hint: String,
    /// Bucket count (locate cells only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<usize>,
    /// GOGC and GOMEMLIMIT of the configuration (real-Go cells only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go_runtime: Option<crate::goconfig::GoRuntimeKnobs>,
    /// The io axes (io cells only; `n` is then the file size and `keys` the target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io: Option<IoAxes>,
}

impl CellAxes {
    /// The key and value types as a report row names them: `k8v8` for
    /// `[W]uint64` sizes, else the Go map type (`map[int32]struct{}`).
    pub fn types_label(&self) -> String {
        if self.key_type.is_none() && self.value_type.is_none() {
            return format!("k{}v{}", self.key_size, self.value_size);
        }
        let name = |t: &Option<String>, size: usize| {
            t.clone().unwrap_or_else(|| format!("[{}]uint64", size / 8))
        };
        format!(
            "map[{}]{}",
            name(&self.key_type, self.key_size),
            name(&self.value_type, self.value_size)
        )
    }
}

/// The axes of an io cell ([`crate::scenario::io`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoAxes {
    /// Path (`read_write`, `mmap_write`, `sendfile`, `splice`, `io_uring`).
    pub path: String,
    /// Target (`tcp`, `pipe`).
    pub target: String,
    /// Page-cache state (`warm`, `cold`).
    pub cache: String,
    /// File size, bytes.
    pub file_bytes: u64,
    /// Bytes per request asked for.
    pub buffer_bytes: u64,
}

/// A map cell: scenario × variant × tuning configuration × N × keys × key and value types.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapCell {
    /// Scenario.
    pub scenario: Scenario,
    /// Variant.
    pub variant: Variant,
    /// Tuning configuration name.
    pub config: String,
    /// The configuration's knobs (Go's defaults unless it sets them).
    pub knobs: Knobs,
    /// The configuration's size hint.
    pub hint: HintSpec,
    /// N (see the scenario table in [`super`]).
    pub n: usize,
    /// Key distribution.
    pub keys: Keys,
    /// Key size, bytes.
    pub key_size: usize,
    /// Value size, bytes.
    pub value_size: usize,
    /// The key's Go type when the profile names it (`key = ["int32"]`);
    /// `None`: `[key_size/8]uint64`, as `key_size` means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<Box<GoType>>,
    /// The value's Go type when the profile names it; `None`:
    /// `[value_size/8]uint64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<Box<GoType>>,
    /// Rounds of the churn scenario.
    pub churn_rounds: usize,
    /// Seed of keys and of the map's randomness.
    pub seed: u64,
    /// Knobs of the Go runtime (real-Go variants only).
    #[serde(default)]
    pub go_runtime: crate::goconfig::GoRuntimeKnobs,
}

/// A locate cell: hash × index × key kind × N × buckets (and the keys'
/// seed), the combination the `locate` command measures.
pub type LocateCell = crate::locate::Combination;

/// Any cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CellSpec {
    /// A map scenario.
    Map(MapCell),
    /// A locate combination.
    Locate(LocateCell),
    /// An I/O copy path ([`crate::scenario::io`]).
    Io(crate::scenario::io::IoCell),
}

impl MapCell {
    /// The key's Go type: the one the profile names, else `[key_size/8]uint64`.
    pub fn key_go_type(&self) -> Result<GoType, crate::gotype::TypeError> {
        match &self.key_type {
            Some(t) => Ok((**t).clone()),
            None => GoType::blob("key", self.key_size),
        }
    }

    /// The value's Go type: the one the profile names, else `[value_size/8]uint64`.
    pub fn value_go_type(&self) -> Result<GoType, crate::gotype::TypeError> {
        match &self.value_type {
            Some(t) => Ok((**t).clone()),
            None => GoType::blob("value", self.value_size),
        }
    }

    /// The key's shape.
    pub fn key_shape(&self) -> Result<Shape, crate::gotype::TypeError> {
        Ok(self.key_go_type()?.shape)
    }

    /// The value's shape.
    pub fn value_shape(&self) -> Result<Shape, crate::gotype::TypeError> {
        Ok(self.value_go_type()?.shape)
    }

    /// Whether this cell's key and value types can run on its variant
    /// with `distinct` keys, and why not: Rust's reference tables store
    /// whole 64-bit words only, the real-Go harness runs the types it
    /// instantiates ([`crate::goconfig::harness_runs`]), and a key type
    /// must have that many values (`struct{}` has one, `bool` two).
    pub fn types_apply(&self, distinct: usize) -> Result<(), ScenarioError> {
        if self.key_type.is_none() && self.value_type.is_none() {
            return Ok(());
        }
        let (k, v) = (self.key_go_type()?, self.value_go_type()?);
        if self.variant.go_release().is_some() {
            crate::goconfig::harness_runs(
                self.key_type.as_deref(),
                self.key_size,
                self.value_type.as_deref(),
                self.value_size,
            )?;
        } else if !self.variant.is_go_family() && !self.variant.is_go_swiss() {
            for t in [&k, &v] {
                if t.shape != Shape::words(t.shape.size / 8)
                    || crate::gotype::check_size("", t.shape.size).is_err()
                {
                    return Err(Inapplicable::RustTableType {
                        variant: self.variant,
                        ty: t.name.clone(),
                    }
                    .into());
                }
            }
        }
        let bits = 8 * k.shape.size.min(7) as u32;
        if k.shape.size < 8 && (1usize << bits) < distinct {
            return Err(Inapplicable::TooFewKeyValues {
                ty: k.name.clone(),
                values: 1usize << bits,
                distinct,
            }
            .into());
        }
        Ok(())
    }

    /// The last id segment: `kXvY` for `[W]uint64` sizes, else the Go
    /// types (`k=int32+v=struct`, names as [`GoType::id_name`] spells them).
    pub fn types_segment(&self) -> String {
        if self.key_type.is_none() && self.value_type.is_none() {
            return format!("k{}v{}", self.key_size, self.value_size);
        }
        let name = |t: Result<GoType, crate::gotype::TypeError>, size: usize| {
            t.map(|t| t.id_name())
                .unwrap_or_else(|_| format!("b{size}"))
        };
        format!(
            "k={}+v={}",
            name(self.key_go_type(), self.key_size),
            name(self.value_go_type(), self.value_size)
        )
    }

    /// `scenario/variant/config/n=N/keys=K/kXvY` (or `.../k=K+v=V` for Go types).
    pub fn id(&self) -> CellId {
        CellId::from_segments(&[
            self.scenario.name().to_string(),
            self.variant.name().to_string(),
            self.config.clone(),
            format!("n={}", self.n),
            format!("keys={}", self.keys.name()),
            self.types_segment(),
        ])
        .expect("cell segments are validated names")
    }
}

impl LocateCell {
    /// `locate/hash/index/n=N/keys=K/m=M`.
    pub fn id(&self) -> CellId {
        CellId::from_segments(&[
            "locate".to_string(),
            self.hash.name().to_string(),
            self.index.name().to_string(),
            format!("n={}", self.n),
            format!("keys={}", self.keys.name()),
            format!("m={}", self.buckets),
        ])
        .expect("cell segments are validated names")
    }
}

/// The axes of a cell that is no map (locate, io): the five every cell has,
/// the map's own (sizes, types, knobs, hint) empty, nothing else set.
fn not_a_map(scenario: &str, variant: &str, config: &str, n: usize, keys: &str) -> CellAxes {
    CellAxes {
        scenario: scenario.into(),
        variant: variant.into(),
        config: config.into(),
        n,
        keys: keys.into(),
        key_size: 0,
        value_size: 0,
        key_type: None,
        value_type: None,
        knobs: None,
        hint: "none".into(),
        buckets: None,
        io: None,
        go_runtime: None,
    }
}

impl CellSpec {
    /// Payload bytes one unit of the cell's region processes: key + value
    /// for maps; for locate cells the key (8 bytes, or 20 for strings, the
    /// mean of their uniform 8..=32-byte lengths).
    pub fn bytes_per_unit(&self) -> u64 {
        match self {
            CellSpec::Map(c) => (c.key_size + c.value_size) as u64,
            CellSpec::Locate(c) => match c.keys {
                crate::locate::KeyKind::U64 => 8,
                crate::locate::KeyKind::Strings => 20,
            },
            CellSpec::Io(c) => c.file_size,
        }
    }

    /// The cell's id.
    pub fn id(&self) -> CellId {
        match self {
            CellSpec::Map(c) => c.id(),
            CellSpec::Locate(c) => c.id(),
            CellSpec::Io(c) => c.id(),
        }
    }

    /// The scenario.
    pub fn scenario(&self) -> Scenario {
        match self {
            CellSpec::Map(c) => c.scenario,
            CellSpec::Locate(_) => Scenario::Locate,
            CellSpec::Io(_) => Scenario::Io,
        }
    }

    /// The axes as a report records them.
    pub fn axes(&self) -> CellAxes {
        match self {
            CellSpec::Map(c) => CellAxes {
                scenario: c.scenario.name().into(),
                variant: c.variant.name().into(),
                config: c.config.clone(),
                n: c.n,
                keys: c.keys.name().into(),
                key_size: c.key_size,
                value_size: c.value_size,
                key_type: c.key_type.as_ref().map(|t| t.name.clone()),
                value_type: c.value_type.as_ref().map(|t| t.name.clone()),
                knobs: c.variant.is_go_family().then_some(c.knobs),
                hint: c.hint.to_string(),
                buckets: None,
                io: None,
                go_runtime: c.variant.go_release().map(|_| c.go_runtime.clone()),
            },
            CellSpec::Locate(c) => CellAxes {
                buckets: Some(c.buckets as usize),
                ..not_a_map("locate", c.hash.name(), c.index.name(), c.n, c.keys.name())
            },
            CellSpec::Io(c) => CellAxes {
                io: Some(IoAxes {
                    path: c.path.name().into(),
                    target: c.target.name().into(),
                    cache: c.cache.name().into(),
                    file_bytes: c.file_size,
                    buffer_bytes: c.buffer_size,
                }),
                ..not_a_map(
                    "io",
                    c.path.name(),
                    c.cache.name(),
                    c.file_size as usize,
                    c.target.name(),
                )
            },
        }
    }

    /// What the measured region does.
    pub fn region_text(&self) -> &'static str {
        match self {
            CellSpec::Map(c) => c.scenario.region_text(c.variant),
            CellSpec::Locate(_) => Scenario::Locate.region_text(Variant::GoMap),
            CellSpec::Io(c) => c.region_text(),
        }
    }
}
