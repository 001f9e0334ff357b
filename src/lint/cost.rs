//! What a missing hint costs: the finding's map built twice by the models,
//! without the hint and with it, at the size the loop reaches.
//!
//! The size N is the loop's constant trip count when it has one, else the
//! `--assume-n` of the command line (stated in the output), else the cost is
//! `unavailable`. The map is built through [`crate::inspect::inspect`] (N
//! distinct random keys, seed 1), the narrowest entry point to the models,
//! and the model is chosen by [`model_for`]:
//!
//! - Go whose `go.mod` says `go 1.23` or older: the classic map (`gomap`,
//!   exact accounting);
//! - Go 1.24 and newer: the Swiss map; not modelled in this build, so
//!   `unavailable` with that reason;
//! - Rust: hashbrown's Swiss table (std's `HashMap` is hashbrown inside),
//!   with accounting derived from capacity changes.
//!
//! The models store keys and values of 8, 16, 32, 64, 128 or 256 bytes.
//! A real size is rounded up to the nearest of those (0 to 8, anything over
//! 256 to 256), an unknown one (a type parameter, a type the source does not
//! state) is priced as 8 bytes, and every finding says which sizes it was
//! priced with.

use super::{Finding, Language};
use crate::accounting::{CopyPath, Exactness};
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
    /// How the real sizes became the priced ones.
    pub size_note: String,
    /// Built without a hint, as the code does.
    pub without_hint: Figures,
    /// Built with the hint N.
    pub with_hint: Figures,
}

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
pub fn model_for(f: &Finding) -> Result<Variant, String> {
    match f.language {
        Language::Rust => Ok(Variant::Hashbrown),
        Language::Go => go_model(f.go_version.as_deref()).ok_or_else(|| {
            "Go version unknown (no go line in go.mod): cannot choose the classic or the Swiss model"
                .to_string()
        }),
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
    cache: HashMap<(Variant, u64, usize, usize), Result<Built, String>>,
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
            Err(reason) => return unavailable(reason),
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
        self.price_at(variant, n, n_source, f.key_bytes, f.value_bytes)
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
        let built = self
            .cache
            .entry((variant, n, key, value))
            .or_insert_with(|| build_pair(variant, n, key, value))
            .clone();
        match built {
            Err(reason) => unavailable(reason),
            Ok(Built {
                without_hint,
                with_hint,
                accounting,
            }) => Pricing::Priced(Box::new(Cost {
                model: variant.name().to_string(),
                model_description: variant.description().to_string(),
                accounting,
                n,
                n_source,
                key_bytes_priced: key,
                value_bytes_priced: value,
                size_note: format!("{key_note}; {value_note}"),
                without_hint,
                with_hint,
            })),
        }
    }
}

/// The two builds of one (model, N, sizes).
#[derive(Clone)]
struct Built {
    without_hint: Figures,
    with_hint: Figures,
    accounting: Exactness,
}

fn build_pair(variant: Variant, n: u64, key: usize, value: usize) -> Result<Built, String> {
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
            key_size: key,
            value_size: value,
            key: None,
            value: None,
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
            map_type: None,
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
        assert!(model_for(&f).unwrap_err().contains("Go version unknown"));
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
        assert_eq!((c.key_bytes_priced, c.value_bytes_priced), (16, 8));
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
        assert_eq!(c.without_hint.payload_bytes, 1000 * 24);
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
}
