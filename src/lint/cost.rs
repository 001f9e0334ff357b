//! What a missing hint costs: the finding's map built twice by the models,
//! without the hint and with it, at the size the loop reaches.
//!
//! The size N is the loop's constant trip count when it has one, else the
//! `--assume-n` of the command line (stated in the output), else the cost is
//! `unavailable`. The map is built through [`crate::inspect::inspect`] (N
//! distinct random keys, seed 1), the narrowest entry point to the models,
//! and the model is chosen by [`model_for`]:
//!
//! - Go whose `go.mod` says `go 1.23` or older: the classic map (`gomap`);
//! - Go 1.24 and 1.25: the Swiss map without tombstone pruning
//!   (`goswiss-noprune`), Go 1.26: `goswiss`, Go 1.27 and newer:
//!   `goswiss-127` (all exact accounting);
//! - Rust: hashbrown's Swiss table (std's `HashMap` is hashbrown inside),
//!   with accounting derived from capacity changes.
//!
//! **Go maps are priced with their declared types.** The key and value
//! types of the map's type (`map[int32]bool`) are parsed as Go type shapes
//! ([`Shape::parse_go`]: size, alignment, pointers), and the model lays them
//! out as that release does: a `map[K]struct{}` or `map[K]bool` set, a
//! `map[int32]V`, a `map[string]V` (a 16-byte header in the map; each
//! string's own bytes are the program's allocation, stated apart in
//! [`Cost::apart`], never in the figures). A type whose shape mapamp does
//! not know (a named type such as `user`, a type parameter, a slice) makes
//! the cost `unavailable` with `unknown shape` and the type named: it is
//! not guessed. A `map[K]bool` also gets [`Cost::as_set`]: what the same
//! map would allocate and write as a `map[K]struct{}`, per Go release, for
//! the case every value stored is `true`.
//!
//! Rust findings (and `mapamp live`'s snapshots, which give sizes only) are
//! priced by size: the models store keys and values of 8, 16, 32, 64, 128
//! or 256 bytes; a real size is rounded up to the nearest of those (0 to 8,
//! anything over 256 to 256), an unknown one is priced as 8 bytes, and
//! every finding says which sizes it was priced with.

use super::error::NotPriced;
use super::{Finding, Language};
use crate::accounting::{CopyPath, Exactness};
use crate::gotype::{GoType, Shape};
use crate::inspect::{self, InspectConfig, InspectReport, Workload};
use crate::pod::SUPPORTED_SIZES;
use crate::variants::{HintSpec, Variant};
use crate::workload::KeyDist;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The largest N priced: a constant trip count above it is `unavailable`
/// (each price builds two maps of N entries).
pub const MAX_PRICED_N: u64 = 10_000_000;

/// Where the priced N comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NSource {
    /// The loop's constant trip count.
    ConstantBound,
    /// `--assume-n`.
    AssumeN,
    /// The map's length in a live program's snapshot (`mapamp live`).
    Observed,
}

/// The figures of one build of the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Bytes written per copy path (every path the model knows, in report order).
    pub bytes_written: Vec<PathFigure>,
    /// Sum of `bytes_written`.
    pub total_bytes: u64,
    /// Key + value bytes of the N inserts.
    pub payload_bytes: u64,
    /// `total_bytes / payload_bytes`.
    pub write_amplification: Option<f64>,
    /// Growths (doubling and same-size): each copies the entries it moves.
    pub growth_copies: u64,
    /// Entries moved by those growths.
    pub entries_moved: u64,
    /// Allocations the modelled map makes.
    pub allocations: u64,
    /// Bytes of those allocations.
    pub allocated_bytes: u64,
}

/// Bytes of one copy path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathFigure {
    /// Copy path name (`assign`, `evacuate_double`, ...).
    pub path: String,
    /// Bytes written on it.
    pub bytes: u64,
}

/// A priced finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// The model's variant name.
    pub model: String,
    /// What the model is.
    pub model_description: String,
    /// How exact its byte figures are.
    pub accounting: Exactness,
    /// The number of entries the map was built to.
    pub n: u64,
    /// Where N comes from.
    pub n_source: NSource,
    /// Key size the model stored.
    pub key_bytes_priced: usize,
    /// Value size the model stored.
    pub value_bytes_priced: usize,
    /// How the real sizes became the priced ones (or the declared types
    /// that were priced).
    pub size_note: String,
    /// The Go key type priced, as declared (`int32`); absent when priced by size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    /// The Go value type priced, as declared (`bool`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
    /// What the program allocates beside the map and the figures leave out
    /// (a string key's or value's own bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apart: Option<String>,
    /// Built without a hint, as the code does.
    pub without_hint: Figures,
    /// Built with the hint N.
    pub with_hint: Figures,
    /// For a `map[K]bool`: the same map as a `map[K]struct{}` set, per Go
    /// release (made with the hint N), when every value stored is `true`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub as_set: Vec<SetPrice>,
}

/// A `map[K]bool` against the `map[K]struct{}` that would do as a set, on
/// one Go release's model: `make(map, N)` and N inserts, in Go's terms
/// ([`crate::heap::fill`]: the header included, size-class rounded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetPrice {
    /// The Go release (`go1.19`, `go1.24`, `go1.26`, `go1.27`, `go1.27split`).
    pub release: String,
    /// The model that stands for it.
    pub model: String,
    /// Heap bytes of the `map[K]bool`.
    pub bool_heap_bytes: u64,
    /// Heap bytes of the `map[K]struct{}`.
    pub set_heap_bytes: u64,
    /// Bytes the `map[K]bool` writes (every copy path).
    pub bool_bytes_written: u64,
    /// Bytes the `map[K]struct{}` writes.
    pub set_bytes_written: u64,
}

/// The largest N [`Cost::as_set`] is priced at (ten builds of N entries).
pub const MAX_SET_N: u64 = 1_000_000;

/// A finding's cost, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Pricing {
    /// Priced with a model.
    Priced(Box<Cost>),
    /// Not priced, with the reason.
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// The model that prices a finding, or why none can: the classic map for
/// Go 1.23 and older, the Swiss map as of Go 1.24 (without tombstone
/// pruning, as Go 1.24 and 1.25 have it), as of Go 1.26 and as of Go 1.27
/// (newer Go versions too), hashbrown for Rust.
pub fn model_for(f: &Finding) -> Result<Variant, NotPriced> {
    match f.language {
        Language::Rust => Ok(Variant::Hashbrown),
        Language::Go => go_model(f.go_version.as_deref()).ok_or(NotPriced::GoVersionUnknown),
    }
}

/// The model of a Go release (`go1.N`, `go1.N.P`, `1.N`): the classic map
/// up to Go 1.23, the Swiss map without tombstone pruning for Go 1.24 and
/// 1.25, with it in Go 1.26, and Go 1.27's (a full small map updates an
/// existing key in place) from Go 1.27 on; `None` for a string that names
/// no release.
pub fn go_model(version: Option<&str>) -> Option<Variant> {
    match version.and_then(go_minor)? {
        minor if minor < 24 => Some(Variant::GoMap),
        minor if minor < 26 => Some(Variant::GoSwissNoPrune),
        26 => Some(Variant::GoSwiss),
        _ => Some(Variant::GoSwiss127),
    }
}

/// The minor version of a `go1.N` or `go1.N.P` or `1.N` string.
pub fn go_minor(v: &str) -> Option<u32> {
    let v = v.strip_prefix("go").unwrap_or(v);
    let mut parts = v.split('.');
    if parts.next()? != "1" {
        return None;
    }
    let minor = parts.next()?;
    let digits: String = minor.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The supported size a real size is priced as, and a note saying so.
pub fn priced_size(what: &str, bytes: Option<u64>) -> (usize, String) {
    let largest = *SUPPORTED_SIZES.last().expect("sizes");
    match bytes {
        None => (
            SUPPORTED_SIZES[0],
            format!("{what} size unknown, priced as {} B", SUPPORTED_SIZES[0]),
        ),
        Some(b) => match SUPPORTED_SIZES.iter().find(|&&s| s as u64 >= b) {
            Some(&s) if s as u64 == b => (s, format!("{what} {b} B")),
            Some(&s) => (s, format!("{what} {b} B priced as {s} B")),
            None => (
                largest,
                format!("{what} {b} B priced as {largest} B, the largest size the models store"),
            ),
        },
    }
}

/// Prices findings, building each (model, N, sizes) once.
#[derive(Default)]
pub struct Pricer {
    assume_n: Option<u64>,
    cache: HashMap<(Variant, u64, Side, Side), Result<Built, String>>,
}

impl Pricer {
    /// A pricer that uses `assume_n` for loops without a constant bound.
    pub fn new(assume_n: Option<u64>) -> Pricer {
        Pricer {
            assume_n,
            cache: HashMap::new(),
        }
    }

    /// The cost of `f`'s missing hint.
    pub fn price(&mut self, f: &Finding) -> Pricing {
        let unavailable = |reason: String| Pricing::Unavailable { reason };
        let variant = match model_for(f) {
            Ok(v) => v,
            Err(reason) => return unavailable(reason.into()),
        };
        let (n, n_source) = match (f.const_n, self.assume_n) {
            (Some(n), _) => (n, NSource::ConstantBound),
            (None, Some(n)) => (n, NSource::AssumeN),
            (None, None) => {
                return unavailable(format!(
                "the trip count ({}) is not a constant: pass --assume-n N to price it at N entries",
                f.hint
            ))
            }
        };
        if f.language == Language::Go {
            return match declared_types(f.map_type.as_deref()) {
                Ok((key, value)) => self.price_types(variant, n, n_source, key, value),
                Err(reason) => unavailable(reason.into()),
            };
        }
        self.price_at(variant, n, n_source, f.key_bytes, f.value_bytes)
    }

    /// The cost of building a `map[key]value` of `n` entries with
    /// `variant`'s model, its types laid out as that release does, without
    /// a hint against with the hint `n`; for a `map[K]bool` also the
    /// `map[K]struct{}` set per release ([`Cost::as_set`]).
    pub fn price_types(
        &mut self,
        variant: Variant,
        n: u64,
        n_source: NSource,
        key: GoType,
        value: GoType,
    ) -> Pricing {
        if n > MAX_PRICED_N {
            return Pricing::Unavailable {
                reason: format!("N = {n} is above the {MAX_PRICED_N} entries mapamp prices"),
            };
        }
        let (k, v) = (Side::Type(key.clone()), Side::Type(value.clone()));
        let built = self.built(variant, n, k, v);
        let mut apart = Vec::new();
        for (what, t) in [("key", &key), ("value", &value)] {
            if t.shape == Shape::STRING {
                apart.push(format!(
                    "each string {what}'s bytes: the program allocates them apart from the map; the map holds its 16-byte header"
                ));
            }
        }
        let mut cost = match built {
            Err(reason) => return Pricing::Unavailable { reason },
            Ok(b) => b.cost(
                variant,
                n,
                n_source,
                (key.shape.size, value.shape.size),
                format!(
                    "map[{}]{}: key {} B (align {}), value {} B (align {}), laid out as declared",
                    key.name,
                    value.name,
                    key.shape.size,
                    key.shape.align,
                    value.shape.size,
                    value.shape.align
                ),
            ),
        };
        cost.key_type = Some(key.name.clone());
        cost.value_type = Some(value.name.clone());
        cost.apart = (!apart.is_empty()).then(|| apart.join("; "));
        if value.shape == Shape::scalar(1) && value.name == "bool" && n <= MAX_SET_N {
            cost.as_set = as_set(&key, n);
        }
        Pricing::Priced(Box::new(cost))
    }

    fn built(&mut self, variant: Variant, n: u64, key: Side, value: Side) -> Result<Built, String> {
        self.cache
            .entry((variant, n, key.clone(), value.clone()))
            .or_insert_with(|| build_pair(variant, n, &key, &value))
            .clone()
    }

    /// The cost of building a map of `n` entries of the given key and
    /// value sizes with `variant`'s model without a hint, against with the
    /// hint `n`.
    pub fn price_at(
        &mut self,
        variant: Variant,
        n: u64,
        n_source: NSource,
        key_bytes: Option<u64>,
        value_bytes: Option<u64>,
    ) -> Pricing {
        let unavailable = |reason: String| Pricing::Unavailable { reason };
        if n > MAX_PRICED_N {
            return unavailable(format!(
                "N = {n} is above the {MAX_PRICED_N} entries mapamp prices"
            ));
        }
        let (key, key_note) = priced_size("key", key_bytes);
        let (value, value_note) = priced_size("value", value_bytes);
        match self.built(variant, n, Side::Size(key), Side::Size(value)) {
            Err(reason) => unavailable(reason),
            Ok(b) => Pricing::Priced(Box::new(b.cost(
                variant,
                n,
                n_source,
                (key, value),
                format!("{key_note}; {value_note}"),
            ))),
        }
    }
}

/// The Go key and value types of a Go map type (`map[K]V`), each parsed as
/// a shape; a type mapamp cannot lay out is an `unknown shape`, named.
pub fn declared_types(map_type: Option<&str>) -> Result<(GoType, GoType), NotPriced> {
    let t = map_type.ok_or(NotPriced::TypeUnknown)?;
    let (k, v) = split_map_type(t).ok_or_else(|| NotPriced::NotAMapType { map_type: t.into() })?;
    let parse = |what: &'static str, name: &str| {
        GoType::parse(name).map_err(|_| NotPriced::UnknownShape {
            what,
            name: name.into(),
            map_type: t.into(),
        })
    };
    Ok((parse("key", k)?, parse("value", v)?))
}

/// `map[K]V` split into `K` and `V` (brackets in `K` balanced).
pub fn split_map_type(t: &str) -> Option<(&str, &str)> {
    let rest = t.trim().strip_prefix("map[")?;
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => {
                let (k, v) = (rest[..i].trim(), rest[i + 1..].trim());
                return (!k.is_empty() && !v.is_empty()).then_some((k, v));
            }
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Heap bytes and bytes written of `map[key]bool` and `map[key]struct{}`
/// made with the hint `n` and filled with `n` keys, on each Go release's
/// model; releases whose model refuses the key are left out.
fn as_set(key: &GoType, n: u64) -> Vec<SetPrice> {
    crate::heap::RELEASE_MODELS
        .iter()
        .filter_map(|&v| {
            let fill =
                |elem: Shape| crate::heap::fill(v, key.shape, elem, n as usize, n as usize, 1);
            let (b, s) = (fill(Shape::scalar(1)).ok()?, fill(Shape::EMPTY).ok()?);
            Some(SetPrice {
                release: crate::heap::release_name(v)?.to_string(),
                model: v.name().to_string(),
                bool_heap_bytes: b.heap_bytes,
                set_heap_bytes: s.heap_bytes,
                bool_bytes_written: b.bytes_written,
                set_bytes_written: s.bytes_written,
            })
        })
        .collect()
}

/// A key or value as priced: a size (`[W]uint64`) or a declared Go type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Side {
    Size(usize),
    Type(GoType),
}

/// The two builds of one (model, N, key, value).
#[derive(Clone)]
struct Built {
    without_hint: Figures,
    with_hint: Figures,
    accounting: Exactness,
}

impl Built {
    fn cost(
        self,
        variant: Variant,
        n: u64,
        n_source: NSource,
        (key, value): (usize, usize),
        size_note: String,
    ) -> Cost {
        Cost {
            model: variant.name().to_string(),
            model_description: variant.description().to_string(),
            accounting: self.accounting,
            n,
            n_source,
            key_bytes_priced: key,
            value_bytes_priced: value,
            size_note,
            key_type: None,
            value_type: None,
            apart: None,
            without_hint: self.without_hint,
            with_hint: self.with_hint,
            as_set: Vec::new(),
        }
    }
}

fn build_pair(variant: Variant, n: u64, key: &Side, value: &Side) -> Result<Built, String> {
    let size = |s: &Side| match s {
        Side::Size(b) => *b,
        Side::Type(t) => t.shape.size,
    };
    let ty = |s: &Side| match s {
        Side::Size(_) => None,
        Side::Type(t) => Some(t.clone()),
    };
    let build = |hint: HintSpec| {
        inspect::inspect(&InspectConfig {
            variant,
            workload: Workload::Insert,
            keys: KeyDist::Random,
            n: n as usize,
            hint,
            rounds: 0,
            k: 0,
            seed: 1,
            key_size: size(key),
            value_size: size(value),
            key: ty(key),
            value: ty(value),
            knobs: Default::default(),
        })
    };
    let without = build(HintSpec::None)?;
    let with = build(HintSpec::Fixed(n as usize))?;
    Ok(Built {
        without_hint: figures(&without),
        with_hint: figures(&with),
        accounting: without.accounting,
    })
}

fn figures(r: &InspectReport) -> Figures {
    Figures {
        bytes_written: CopyPath::ALL
            .iter()
            .map(|&p| PathFigure {
                path: p.name().to_string(),
                bytes: r.bytes_written.get(p),
            })
            .collect(),
        total_bytes: r.total_bytes_written,
        payload_bytes: r.payload_bytes,
        write_amplification: r.write_amplification,
        growth_copies: r.doubling_grows + r.same_size_grows,
        entries_moved: r.entries_evacuated,
        allocations: r.model_allocations,
        allocated_bytes: r.model_allocated_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Edit, Position};

    fn finding(language: Language, go: Option<&str>, const_n: Option<u64>) -> Finding {
        let p = Position {
            line: 1,
            column: 1,
            offset: 0,
        };
        Finding {
            language,
            file: "x".into(),
            start: p,
            end: p,
            map: "m".into(),
            // key_bytes 16 and value_bytes 1, as the analyzer says of it.
            map_type: (language == Language::Go).then(|| "map[string]bool".into()),
            hint: "len(xs)".into(),
            exact: true,
            const_n,
            key_bytes: Some(16),
            value_bytes: Some(1),
            go_version: go.map(str::to_string),
            loop_line: 2,
            message: String::new(),
            fix: vec![Edit {
                start: 0,
                end: 0,
                new_text: String::new(),
            }],
            fix_description: String::new(),
        }
    }

    #[test]
    fn go_versions_choose_the_model() {
        assert_eq!(go_minor("go1.19"), Some(19));
        assert_eq!(go_minor("1.24.0"), Some(24));
        assert_eq!(go_minor("go1.26rc1"), Some(26));
        assert_eq!(go_minor("go2.0"), None);
        let f = finding(Language::Go, Some("go1.23"), Some(100));
        assert_eq!(model_for(&f), Ok(Variant::GoMap));
        let f = finding(Language::Go, Some("go1.24"), Some(100));
        assert_eq!(model_for(&f), Ok(Variant::GoSwissNoPrune));
        let f = finding(Language::Go, Some("go1.26"), Some(100));
        assert_eq!(model_for(&f), Ok(Variant::GoSwiss));
        let f = finding(Language::Go, Some("go1.27"), Some(100));
        assert_eq!(model_for(&f), Ok(Variant::GoSwiss127));
        let f = finding(Language::Go, None, Some(100));
        assert_eq!(model_for(&f), Err(NotPriced::GoVersionUnknown));
        assert!(model_for(&f)
            .unwrap_err()
            .to_string()
            .starts_with("Go version unknown (no go line in go.mod)"));
        assert_eq!(
            model_for(&finding(Language::Rust, None, None)),
            Ok(Variant::Hashbrown)
        );
    }

    #[test]
    fn sizes_round_up_to_what_the_models_store() {
        assert_eq!(priced_size("key", Some(16)).0, 16);
        assert_eq!(priced_size("key", Some(0)).0, 8);
        assert_eq!(priced_size("key", Some(24)).0, 32);
        let (s, note) = priced_size("value", Some(4096));
        assert_eq!(s, 256);
        assert!(note.contains("largest"), "{note}");
        let (s, note) = priced_size("key", None);
        assert_eq!(s, 8);
        assert!(note.contains("unknown"), "{note}");
    }

    #[test]
    fn a_classic_map_without_hint_pays_evacuation_that_the_hint_removes() {
        let mut p = Pricer::new(None);
        let Pricing::Priced(c) = p.price(&finding(Language::Go, Some("go1.22"), Some(1000))) else {
            panic!("priced")
        };
        assert_eq!((c.n, c.n_source), (1000, NSource::ConstantBound));
        // Priced as declared: a string header and a bool.
        assert_eq!((c.key_bytes_priced, c.value_bytes_priced), (16, 1));
        let evac = |f: &Figures| {
            f.bytes_written
                .iter()
                .find(|p| p.path == "evacuate_double")
                .unwrap()
                .bytes
        };
        assert!(evac(&c.without_hint) > 0);
        assert_eq!(evac(&c.with_hint), 0);
        assert!(c.without_hint.growth_copies >= 7, "{c:?}"); // 1000 entries: B 0 -> 8
        assert_eq!(c.with_hint.growth_copies, 0);
        assert!(c.without_hint.allocations > c.with_hint.allocations);
        assert_eq!(c.without_hint.payload_bytes, 1000 * 17);
    }

    #[test]
    fn loops_without_a_constant_bound_need_assume_n() {
        let mut p = Pricer::new(None);
        let Pricing::Unavailable { reason } = p.price(&finding(Language::Rust, None, None)) else {
            panic!("unavailable")
        };
        assert!(reason.contains("--assume-n"), "{reason}");
        let mut p = Pricer::new(Some(500));
        let Pricing::Priced(c) = p.price(&finding(Language::Rust, None, None)) else {
            panic!("priced")
        };
        assert_eq!((c.n, c.n_source), (500, NSource::AssumeN));
        assert_eq!(c.model, "hashbrown");
        assert_eq!(c.accounting, Exactness::Derived);
        assert!(c.without_hint.total_bytes > c.with_hint.total_bytes);
    }

    #[test]
    fn go_1_26_is_priced_with_the_swiss_model() {
        let mut p = Pricer::new(None);
        let Pricing::Priced(c) = p.price(&finding(Language::Go, Some("go1.26"), Some(4096))) else {
            panic!("priced")
        };
        assert_eq!(c.model, "goswiss");
        // Without a hint the map moves its small map into a table and grows
        // tables; with a hint of N it writes no growth bytes.
        let growth = |f: &Figures| {
            f.bytes_written
                .iter()
                .filter(|p| {
                    [
                        "small_to_table",
                        "table_grow",
                        "table_split",
                        "directory_grow",
                    ]
                    .contains(&p.path.as_str())
                })
                .map(|p| p.bytes)
                .sum::<u64>()
        };
        assert!(growth(&c.without_hint) > 0, "{:?}", c.without_hint);
        assert_eq!(growth(&c.with_hint), 0, "{:?}", c.with_hint);
        assert!(c.without_hint.total_bytes > c.with_hint.total_bytes);
    }

    #[test]
    fn map_types_split_into_key_and_value_shapes() {
        assert_eq!(split_map_type("map[int32]bool"), Some(("int32", "bool")));
        assert_eq!(
            split_map_type("map[[4]int64][]string"),
            Some(("[4]int64", "[]string"))
        );
        assert_eq!(
            split_map_type("map[string]struct{}"),
            Some(("string", "struct{}"))
        );
        assert_eq!(split_map_type("[]int"), None);
        assert_eq!(split_map_type("map[]int"), None);
        let (k, v) = declared_types(Some("map[*T]string")).unwrap();
        assert_eq!((k.shape, v.shape), (Shape::POINTER, Shape::STRING));
        let e = crate::error::chain(&declared_types(Some("map[int64]user")).unwrap_err());
        assert!(
            e.starts_with("value type `user` of `map[int64]user`: unknown shape (")
                && e.ends_with("): not priced rather than guessed"),
            "{e}"
        );
        let e = declared_types(Some("map[K]struct{}"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("key type `K`"), "{e}");
        assert_eq!(declared_types(None), Err(NotPriced::TypeUnknown));
        assert_eq!(
            declared_types(Some("int")).unwrap_err().to_string(),
            "`int` is not a map type: unknown shape, not priced"
        );
    }

    fn typed(go: &str, map_type: &str, n: u64) -> Cost {
        let mut f = finding(Language::Go, Some(go), Some(n));
        f.map_type = Some(map_type.into());
        match Pricer::new(None).price(&f) {
            Pricing::Priced(c) => *c,
            Pricing::Unavailable { reason } => panic!("{map_type}: {reason}"),
        }
    }

    #[test]
    fn go_maps_are_priced_as_declared_per_go_version() {
        // go1.22: the classic bucket holds 8 keys, then 8 values: a set
        // keeps no value bytes, a bool map 8 per bucket.
        let set = typed("go1.22", "map[int32]struct{}", 1000);
        let flags = typed("go1.22", "map[int32]bool", 1000);
        assert_eq!(set.model, "gomap");
        assert_eq!((set.key_bytes_priced, set.value_bytes_priced), (4, 0));
        assert!(set.with_hint.allocated_bytes < flags.with_hint.allocated_bytes);
        assert_eq!(flags.value_type.as_deref(), Some("bool"));
        assert_eq!(flags.as_set.len(), crate::heap::RELEASE_MODELS.len());
        // go1.27 with 4-byte keys against 8-byte ones: smaller slots.
        let narrow = typed("go1.27", "map[int32]int32", 1000);
        let wide = typed("go1.27", "map[int64]int64", 1000);
        assert_eq!(narrow.model, "goswiss-127");
        assert!(narrow.with_hint.allocated_bytes < wide.with_hint.allocated_bytes);
        // A string value: its header in the map, its bytes apart.
        let s = typed("go1.26", "map[int64]string", 100);
        assert_eq!(s.value_bytes_priced, 16);
        assert!(s.apart.as_deref().unwrap().contains("string value"));
        // A named type is not guessed.
        let mut f = finding(Language::Go, Some("go1.26"), Some(100));
        f.map_type = Some("map[int64]user".into());
        let Pricing::Unavailable { reason } = Pricer::new(None).price(&f) else {
            panic!("priced a named type")
        };
        assert!(reason.contains("unknown shape"), "{reason}");
    }
}
