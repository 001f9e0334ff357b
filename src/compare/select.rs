//! Which cells of two reports are compared with which: parsing
//! `<dir>[#key=value]` arguments, applying a selector to a report's cells,
//! and pairing the two sides' cells into compare ids.
//!
//! A cell id is `scenario/variant/config/n=…/keys=…/kXvY`. A selector keeps
//! the cells whose `variant` (segment 2) or `config` (segment 3) segment
//! equals its value. Cells are paired on their ids with the selected
//! segments blanked out (the union of both sides' selector keys), so
//! `report#config=go-default` against `report#config=presized` pairs
//! `insert/gomap/go-default/…` with `insert/gomap/presized/…`. Without
//! selectors, ids must be identical. The pair's compare id writes a blanked
//! segment as `<a>-vs-<b>` where the two sides differ.
//!
//! Selectors apply to map cells only: a `locate/hash/index/…` cell has no
//! variant or configuration (its second and third segments are a hash
//! function and an index method), so no selector keeps it.

use super::schema::SelectorInfo;
use super::Which;
use crate::cell::CellId;
use crate::report::schema::{CellReport, Report};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The id segment a selector filters on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SelectorKey {
    /// Segment 2 of a cell id.
    Variant,
    /// Segment 3 of a cell id.
    Config,
}

impl SelectorKey {
    /// Every key, in the order error messages list them.
    pub const ALL: [SelectorKey; 2] = [SelectorKey::Config, SelectorKey::Variant];

    /// The key as written after `#`.
    pub fn name(self) -> &'static str {
        match self {
            SelectorKey::Variant => "variant",
            SelectorKey::Config => "config",
        }
    }

    /// Position of the segment in a cell id (0-based).
    pub fn segment(self) -> usize {
        match self {
            SelectorKey::Variant => 1,
            SelectorKey::Config => 2,
        }
    }

    fn parse(s: &str) -> Option<SelectorKey> {
        SelectorKey::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// `#key=value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// Which segment.
    pub key: SelectorKey,
    /// The value it must have.
    pub value: String,
}

impl Selector {
    /// For `compare.json`.
    pub fn info(&self) -> SelectorInfo {
        SelectorInfo {
            key: self.key.name().to_string(),
            value: self.value.clone(),
        }
    }
}

/// Why an argument is not `<dir>[#key=value]`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// An empty argument.
    #[error("empty argument; give a report folder")]
    Empty,
    /// Nothing before `#`.
    #[error("no report folder before `#`")]
    NoFolder,
    /// A selector without `=`.
    #[error(
        "selector `#{selector}` is not key=value; valid selectors: #{}",
        SelectorKey::ALL.map(|k| format!("{}=<name>", k.name())).join(", #")
    )]
    NotKeyValue {
        /// The selector, after `#`.
        selector: String,
    },
    /// A key other than those of [`SelectorKey::ALL`].
    #[error(
        "unknown selector key `{key}`; valid keys: {}",
        SelectorKey::ALL.map(|k| k.name()).join(", ")
    )]
    UnknownKey {
        /// The key given.
        key: String,
    },
    /// `key=` with nothing after it.
    #[error("selector `#{selector}` has an empty value")]
    EmptyValue {
        /// The selector, after `#`.
        selector: String,
    },
}

/// A parsed `<dir>[#key=value]` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputSpec {
    /// The argument as given.
    pub arg: String,
    /// The report folder.
    pub dir: PathBuf,
    /// The selector, if any.
    pub selector: Option<Selector>,
}

impl InputSpec {
    /// Parses an argument. The last `#` starts the selector, which must be
    /// `config=<name>` or `variant=<name>` (a folder whose name contains `#`
    /// cannot be given directly; use a link or rename it).
    pub fn parse(arg: &str) -> Result<InputSpec, SpecError> {
        let Some((dir, sel)) = arg.rsplit_once('#') else {
            if arg.is_empty() {
                return Err(SpecError::Empty);
            }
            return Ok(InputSpec {
                arg: arg.to_string(),
                dir: PathBuf::from(arg),
                selector: None,
            });
        };
        if dir.is_empty() {
            return Err(SpecError::NoFolder);
        }
        let Some((key, value)) = sel.split_once('=') else {
            return Err(SpecError::NotKeyValue {
                selector: sel.into(),
            });
        };
        let key =
            SelectorKey::parse(key).ok_or_else(|| SpecError::UnknownKey { key: key.into() })?;
        if value.is_empty() {
            return Err(SpecError::EmptyValue {
                selector: sel.into(),
            });
        }
        Ok(InputSpec {
            arg: arg.to_string(),
            dir: PathBuf::from(dir),
            selector: Some(Selector {
                key,
                value: value.to_string(),
            }),
        })
    }

    /// Folder name plus selector: `base#config=presized`.
    pub fn label(&self) -> String {
        let name = self
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.dir.display().to_string());
        match &self.selector {
            Some(s) => format!("{name}#{}={}", s.key.name(), s.value),
            None => name,
        }
    }
}

fn segment(id: &str, i: usize) -> Option<&str> {
    id.split('/').nth(i)
}

/// Why the cells of one or both sides cannot be selected or paired.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// A selector whose value no cell of the report has; the values the
    /// report's cells have.
    #[error(
        "no cell has {k} `{value}`; {k}s in this report: {}",
        if .found.is_empty() { "none".to_string() } else { .found.join(", ") },
        k = .key.name()
    )]
    NoMatch {
        /// The selector's key.
        key: SelectorKey,
        /// The selector's value.
        value: String,
        /// The values of that segment the report's map cells have.
        found: Vec<String>,
    },
    /// Two cells of one side match the same cell of the other side.
    #[error(
        "cells `{first}` and `{second}` both match the same cell of the other side; {}",
        same_cell_hint(*.side, .blank)
    )]
    SameCell {
        /// The side both cells are on.
        side: Which,
        /// The first cell's id.
        first: String,
        /// The second cell's id.
        second: String,
        /// The segments ignored when matching (both sides' selector keys).
        blank: Vec<SelectorKey>,
    },
    /// A pair whose compare id is no valid cell id.
    #[error("cannot name the comparison of `{a}` and `{b}`")]
    Name {
        /// A's cell id.
        a: String,
        /// B's cell id.
        b: String,
        /// Why the joined id is not valid.
        #[source]
        source: crate::cell::CellIdError,
    },
}

/// How to make one cell remain per compared cell, for [`SelectError::SameCell`].
fn same_cell_hint(side: Which, blank: &[SelectorKey]) -> String {
    if blank.is_empty() {
        "the report lists the same cell twice".to_string()
    } else {
        let keys: Vec<String> = blank
            .iter()
            .map(|k| format!("#{}=<name>", k.name()))
            .collect();
        format!(
            "give input {side} a selector ({}) so one cell remains per compared cell",
            keys.join(" or ")
        )
    }
}

/// The cells of `report` a selector keeps (all without one). A value that
/// matches no cell is an error listing the values the report has.
pub fn select<'r>(
    report: &'r Report,
    selector: Option<&Selector>,
) -> Result<Vec<&'r CellReport>, SelectError> {
    let Some(sel) = selector else {
        return Ok(report.cells.iter().collect());
    };
    let i = sel.key.segment();
    let map_cells = || {
        report
            .cells
            .iter()
            .filter(|c| segment(&c.id, 0) != Some(crate::scenario::Scenario::Locate.name()))
    };
    let kept: Vec<&CellReport> = map_cells()
        .filter(|c| segment(&c.id, i) == Some(sel.value.as_str()))
        .collect();
    if kept.is_empty() {
        let found: BTreeSet<&str> = map_cells().filter_map(|c| segment(&c.id, i)).collect();
        return Err(SelectError::NoMatch {
            key: sel.key,
            value: sel.value.clone(),
            found: found.into_iter().map(String::from).collect(),
        });
    }
    Ok(kept)
}

/// A matched pair.
#[derive(Clone, Debug)]
pub struct Pair<'r> {
    /// The compare id.
    pub id: CellId,
    /// A's cell.
    pub a: &'r CellReport,
    /// B's cell.
    pub b: &'r CellReport,
}

/// The outcome of pairing.
#[derive(Clone, Debug)]
pub struct Pairing<'r> {
    /// Pairs, ordered by compare id.
    pub pairs: Vec<Pair<'r>>,
    /// A's cells with no partner.
    pub only_a: Vec<String>,
    /// B's cells with no partner.
    pub only_b: Vec<String>,
}

/// The key cells are paired on: the id with the `blank` segments replaced by `*`.
fn match_key(id: &str, blank: &[SelectorKey]) -> String {
    id.split('/')
        .enumerate()
        .map(|(i, s)| {
            if blank.iter().any(|k| k.segment() == i) {
                "*"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Keys → cells of one side; a key with two cells is an error naming them.
fn index<'r>(
    cells: &[&'r CellReport],
    blank: &[SelectorKey],
    side: Which,
) -> Result<BTreeMap<String, &'r CellReport>, SelectError> {
    let mut map: BTreeMap<String, &CellReport> = BTreeMap::new();
    for c in cells {
        if let Some(prev) = map.insert(match_key(&c.id, blank), c) {
            return Err(SelectError::SameCell {
                side,
                first: prev.id.clone(),
                second: c.id.clone(),
                blank: blank.to_vec(),
            });
        }
    }
    Ok(map)
}

/// Pairs the selected cells of both sides. `blank` is the union of both
/// sides' selector keys. Errors name the side they concern.
pub fn pair<'r>(
    a: &[&'r CellReport],
    b: &[&'r CellReport],
    blank: &[SelectorKey],
) -> Result<Pairing<'r>, (Which, SelectError)> {
    let ia = index(a, blank, Which::A).map_err(|e| (Which::A, e))?;
    let ib = index(b, blank, Which::B).map_err(|e| (Which::B, e))?;
    let mut pairs = Vec::new();
    let mut only_a = Vec::new();
    for (key, ca) in &ia {
        match ib.get(key) {
            Some(cb) => pairs.push(Pair {
                id: compare_id(&ca.id, &cb.id, blank).map_err(|e| (Which::A, e))?,
                a: ca,
                b: cb,
            }),
            None => only_a.push(ca.id.clone()),
        }
    }
    let only_b = ib
        .iter()
        .filter(|(k, _)| !ia.contains_key(*k))
        .map(|(_, c)| c.id.clone())
        .collect();
    pairs.sort_by(|x, y| x.id.cmp(&y.id));
    Ok(Pairing {
        pairs,
        only_a,
        only_b,
    })
}

/// The compare id of a pair: the shared id, with each blanked segment
/// written `<a>-vs-<b>` where the sides differ.
fn compare_id(a: &str, b: &str, blank: &[SelectorKey]) -> Result<CellId, SelectError> {
    let segs: Vec<String> = a
        .split('/')
        .zip(b.split('/'))
        .enumerate()
        .map(|(i, (sa, sb))| {
            if blank.iter().any(|k| k.segment() == i) && sa != sb {
                format!("{sa}-vs-{sb}")
            } else {
                sa.to_string()
            }
        })
        .collect();
    CellId::from_segments(&segs).map_err(|source| SelectError::Name {
        a: a.to_string(),
        b: b.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse_into_folder_and_selector() {
        let s = InputSpec::parse("reports/smoke#config=presized").unwrap();
        assert_eq!(s.dir, PathBuf::from("reports/smoke"));
        assert_eq!(
            s.selector,
            Some(Selector {
                key: SelectorKey::Config,
                value: "presized".into()
            })
        );
        assert_eq!(s.label(), "smoke#config=presized");
        let p = InputSpec::parse("reports/smoke").unwrap();
        assert_eq!(p.selector, None);
        assert_eq!(p.label(), "smoke");
        assert!(InputSpec::parse("r#variant=gomap-slab").is_ok());
    }

    #[test]
    fn bad_selectors_name_the_valid_keys() {
        let e = InputSpec::parse("r#hint=n").unwrap_err();
        assert_eq!(
            crate::error::chain(&e),
            "unknown selector key `hint`; valid keys: config, variant"
        );
        assert_eq!(
            InputSpec::parse("r#config").unwrap_err().to_string(),
            "selector `#config` is not key=value; valid selectors: #config=<name>, #variant=<name>"
        );
        assert_eq!(
            InputSpec::parse("r#config="),
            Err(SpecError::EmptyValue {
                selector: "config=".into()
            })
        );
        assert_eq!(InputSpec::parse("#config=x"), Err(SpecError::NoFolder));
        assert_eq!(InputSpec::parse(""), Err(SpecError::Empty));
    }

    #[test]
    fn match_keys_blank_the_selected_segments() {
        let id = "insert/gomap/presized/n=1024/keys=random/k8v8";
        assert_eq!(match_key(id, &[]), id);
        assert_eq!(
            match_key(id, &[SelectorKey::Config]),
            "insert/gomap/*/n=1024/keys=random/k8v8"
        );
        assert_eq!(
            match_key(id, &[SelectorKey::Config, SelectorKey::Variant]),
            "insert/*/*/n=1024/keys=random/k8v8"
        );
    }

    #[test]
    fn compare_ids_name_both_sides_of_a_blanked_segment() {
        let id = compare_id(
            "insert/gomap/go-default/n=8/keys=random/k8v8",
            "insert/gomap/presized/n=8/keys=random/k8v8",
            &[SelectorKey::Config],
        )
        .unwrap();
        assert_eq!(
            id.as_str(),
            "insert/gomap/go-default-vs-presized/n=8/keys=random/k8v8"
        );
        let same = compare_id("a/b/c", "a/b/c", &[SelectorKey::Config]).unwrap();
        assert_eq!(same.as_str(), "a/b/c");
    }

    fn fixture() -> Report {
        serde_json::from_str(include_str!("../../tests/data/report_fixture.json")).unwrap()
    }

    #[test]
    fn a_selector_that_keeps_no_cell_lists_the_values_there_are() {
        let r = fixture();
        let sel = |key, value: &str| Selector {
            key,
            value: value.into(),
        };
        let e = select(&r, Some(&sel(SelectorKey::Config, "huge"))).unwrap_err();
        assert_eq!(
            crate::error::chain(&e),
            "no cell has config `huge`; configs in this report: default, go-default, presized"
        );
        let empty = Report {
            cells: Vec::new(),
            ..fixture()
        };
        let e = select(&empty, Some(&sel(SelectorKey::Variant, "x"))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no cell has variant `x`; variants in this report: none"
        );
    }

    #[test]
    fn two_cells_matching_one_name_the_side_and_the_selector_to_give() {
        let r = fixture();
        let cells: Vec<&CellReport> = r.cells.iter().collect();
        let (which, e) = pair(&cells, &cells[..1], &[SelectorKey::Config]).unwrap_err();
        assert_eq!(which, Which::A);
        assert_eq!(
            crate::error::chain(&e),
            "cells `insert/gomap/go-default/n=1000/keys=sequential/k16v64` and `insert/gomap/presized/n=1000/keys=sequential/k16v64` both match the same cell of the other side; give input A a selector (#config=<name>) so one cell remains per compared cell"
        );
        let twice = [cells[0], cells[0]];
        let (which, e) = pair(&cells[..1], &twice, &[]).unwrap_err();
        assert_eq!(which, Which::B);
        assert_eq!(
            e.to_string(),
            "cells `evacuate_double/gomap/go-default/n=1024/keys=random/k8v8` and `evacuate_double/gomap/go-default/n=1024/keys=random/k8v8` both match the same cell of the other side; the report lists the same cell twice"
        );
    }

    #[test]
    fn a_compare_id_too_long_to_be_an_id_names_both_cells() {
        let (a, b) = (
            format!("x/{}", "a".repeat(150)),
            format!("x/{}", "b".repeat(150)),
        );
        let e = compare_id(&a, &b, &[SelectorKey::Variant]).unwrap_err();
        let joined = format!("x/{}-vs-{}", "a".repeat(150), "b".repeat(150));
        assert_eq!(
            crate::error::chain(&e),
            format!("cannot name the comparison of `{a}` and `{b}`: cell id `{joined}` must be 1 to 200 characters long")
        );
    }
}
