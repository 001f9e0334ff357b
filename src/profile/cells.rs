//! Expanding a profile into cells, with the reason for every skipped one.

use super::Profile;
use crate::cell::CellId;
use crate::scenario::{CellSpec, Keys, LocateCell, MapCell, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A cell that runs exactly another cell's setup and region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SameSetup {
    /// The other cell's id.
    pub cell: String,
    /// Why they are the same.
    pub reason: String,
}

/// A combination that does not apply, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    /// The id it would have had.
    pub id: CellId,
    /// Why it does not apply.
    pub reason: String,
}

/// A profile's cells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cells {
    /// Cells to run, in profile order.
    pub cells: Vec<CellSpec>,
    /// Combinations that do not apply.
    pub skipped: Vec<Skipped>,
}

impl Profile {
    /// Every cell of the matrix: scenario × variant × configuration × N ×
    /// keys × key size × value size, then the locate matrix.
    pub fn cells(&self) -> Cells {
        let mut cells = Vec::new();
        let mut skipped = Vec::new();
        // Ordered: a randomly seeded set would free its ids in a random order,
        // which shuffles the allocator's free lists and makes instruction
        // counts of later regions vary from run to run.
        let mut seen = BTreeSet::new();
        for &scenario in &self.scenarios {
            // `overflow` always uses crafted keys, whatever the keys axis says.
            let keys: Vec<Keys> = if scenario == Scenario::Overflow {
                vec![Keys::Colliding]
            } else {
                self.keys.clone()
            };
            for &variant in &self.variants {
                for config in &self.configs {
                    for &n in &self.ns {
                        for &k in &keys {
                            for kt in &self.key_types {
                                for vt in &self.value_types {
                                    let cell = MapCell {
                                        scenario,
                                        variant,
                                        config: config.name.clone(),
                                        knobs: config.knobs,
                                        hint: config.hint,
                                        n,
                                        keys: k,
                                        key_size: kt.size,
                                        value_size: vt.size,
                                        key_type: kt.go.clone().map(Box::new),
                                        value_type: vt.go.clone().map(Box::new),
                                        churn_rounds: self.budget.churn_rounds,
                                        seed: self.budget.seed,
                                        go_runtime: config.go_runtime.clone(),
                                    };
                                    let id = cell.id();
                                    if !seen.insert(id.clone()) {
                                        continue;
                                    }
                                    let why = if config.sets_go_knobs() && !variant.is_go_family() {
                                        Err(format!(
                                            "configuration `{}` sets Go-model knobs, which do not apply to `{variant}`",
                                            config.name
                                        ))
                                    } else if config.go_runtime.is_set()
                                        && variant.go_release().is_none()
                                    {
                                        Err(format!(
                                            "configuration `{}` sets gogc/gomemlimit, which apply to the real-Go variants only, not `{variant}`",
                                            config.name
                                        ))
                                    } else if config.hint != crate::variants::HintSpec::None
                                        && matches!(
                                            scenario,
                                            Scenario::SmallToTable
                                                | Scenario::TableGrow
                                                | Scenario::TableSplit
                                        )
                                    {
                                        Err(format!(
                                            "`{scenario}` starts from make(map) without a hint; configuration `{}` sets one",
                                            config.name
                                        ))
                                    } else {
                                        scenario
                                            .applies(variant, k)
                                            .map_err(|e| crate::error::chain(&e))
                                            .and_then(|()| min_n(scenario, n))
                                            .and_then(|()| {
                                                cell.types_apply(distinct_keys(&cell))
                                                    .map_err(|e| crate::error::chain(&e))
                                            })
                                    };
                                    match why {
                                        Ok(()) => cells.push(CellSpec::Map(cell)),
                                        Err(reason) => skipped.push(Skipped { id, reason }),
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if let Some(l) = &self.locate {
            for &hash in &l.hash {
                for &index in &l.index {
                    for &keys in &l.keys {
                        for &n in &l.n {
                            for &buckets in &l.buckets {
                                let cell = LocateCell {
                                    hash,
                                    index,
                                    keys,
                                    n,
                                    buckets,
                                    seed: self.budget.seed,
                                };
                                // A value listed twice gives one cell.
                                if seen.insert(cell.id()) {
                                    cells.push(CellSpec::Locate(cell));
                                }
                            }
                        }
                    }
                }
            }
        }
        if let Some(io) = &self.io {
            cells.extend(io.cells(self.budget.seed).into_iter().map(CellSpec::Io));
        }
        Cells { cells, skipped }
    }
}

/// For each cell, an earlier cell with the same setup and region, and why:
/// both map cells, equal but for their configuration's name and hint, in a
/// scenario that sizes the map itself ([`crate::scenario::scenario_sets_size`]).
/// `mapamp run` keeps such cells on purpose, as A/A controls of the time
/// lens, and marks them in the report.
pub fn same_setup(cells: &[CellSpec]) -> Vec<Option<SameSetup>> {
    let mut out: Vec<Option<SameSetup>> = Vec::with_capacity(cells.len());
    for (i, c) in cells.iter().enumerate() {
        let CellSpec::Map(m) = c else {
            out.push(None);
            continue;
        };
        let first = cells[..i].iter().find_map(|earlier| match earlier {
            CellSpec::Map(e)
                if crate::scenario::scenario_sets_size(m)
                    && MapCell {
                        config: m.config.clone(),
                        hint: m.hint,
                        ..e.clone()
                    } == *m =>
            {
                Some(e)
            }
            _ => None,
        });
        out.push(first.map(|e| SameSetup {
            cell: e.id().to_string(),
            reason: format!(
                "`{}` sizes the map itself, so the hint of `{}` ({}) cannot change it; kept as an A/A control of the time lens",
                m.scenario,
                m.config,
                m.hint
            ),
        }));
    }
    out
}

/// At most how many distinct keys a map cell draws (setup and region): a
/// generous bound, for refusing key types with fewer values (`bool`).
fn distinct_keys(cell: &MapCell) -> usize {
    let n = cell.n;
    match cell.scenario {
        Scenario::Churn => n.saturating_add(n.saturating_mul(cell.churn_rounds) / 2 + n),
        _ => n.saturating_mul(4).saturating_add(16),
    }
}

/// Scenarios that need a minimum N. The error is a [`Skipped`] reason
/// (text in the report and in `profile check`'s output), not an error.
fn min_n(scenario: Scenario, n: usize) -> Result<(), String> {
    match scenario {
        Scenario::EvacuateDouble | Scenario::EvacuateSameSize | Scenario::Churn if n < 16 => {
            Err(format!("`{scenario}` needs n >= 16 (n = {n})"))
        }
        _ => Ok(()),
    }
}

/// A generous estimate of a cell's peak memory in bytes.
pub fn estimate_bytes(cell: &CellSpec) -> u64 {
    match cell {
        CellSpec::Io(c) => super::io::estimate_bytes(c),
        CellSpec::Locate(l) => crate::locate::estimate_bytes(l).min(u64::MAX as u128) as u64,
        CellSpec::Map(c) => {
            let hinted = crate::variants::memory::hint_entries(
                c.variant,
                c.hint.resolve(c.n),
                c.key_size,
                c.value_size,
                c.knobs.inline_limit,
            );
            let entries = match c.scenario {
                Scenario::Assign => 4 * c.n,
                Scenario::Overflow => 12 * c.n,
                Scenario::EvacuateDouble => 2 * c.n,
                _ => c.n,
            }
            .max(hinted);
            let map = crate::variants::memory::estimate_bytes(entries, c.key_size, c.value_size);
            // The region's operations, prepared beforehand: churn makes
            // rounds × N/2 deletes and as many inserts of fresh keys, each
            // remembered by the key source.
            let ops = match c.scenario {
                Scenario::Churn => (c.n as u64 / 2).saturating_mul(c.churn_rounds as u64),
                _ => c.n.max(1) as u64,
            };
            let per_op =
                (c.key_size + 16) as u64 + crate::variants::memory::KEY_SOURCE_BYTES_PER_KEY;
            map.saturating_mul(2)
                .saturating_add(ops.saturating_mul(2 * per_op))
        }
    }
}

#[cfg(test)]
mod type_axes_tests {
    use super::*;

    const TYPED: &str = "[axes]\nscenario = [\"insert\"]\nvariant = [\"gomap\", \"goswiss-127split\", \"hashbrown\", \"go1.26\"]\nn = [1000]\nkeys = [\"random\"]\nkey = [\"int32\", \"bool\"]\nvalue = [\"struct{}\"]\n";

    #[test]
    fn go_type_axes_name_cells_and_skip_what_cannot_run() {
        let p = crate::profile::parse("t.toml", "t", TYPED).unwrap();
        let m = p.cells();
        let ids: Vec<String> = m
            .cells
            .iter()
            .map(|c| c.id().as_str().to_string())
            .collect();
        assert_eq!(
            ids,
            [
                "insert/gomap/go-default/n=1000/keys=random/k=int32+v=struct",
                "insert/goswiss-127split/go-default/n=1000/keys=random/k=int32+v=struct",
                "insert/go1.26/go-default/n=1000/keys=random/k=int32+v=struct",
            ]
        );
        let CellSpec::Map(c) = &m.cells[0] else {
            panic!()
        };
        assert_eq!(c.key_shape().unwrap(), crate::gotype::Shape::scalar(4));
        assert_eq!(
            CellSpec::Map(c.clone()).axes().types_label(),
            "map[int32]struct{}"
        );
        let why = |id: &str| {
            m.skipped
                .iter()
                .find(|s| s.id.as_str().contains(id))
                .map(|s| s.reason.clone())
                .unwrap_or_default()
        };
        assert!(why("gomap/go-default/n=1000/keys=random/k=bool")
            .contains("`bool` keys have 256 values at most"));
        assert!(why("hashbrown/go-default/n=1000/keys=random/k=int32").contains("[W]uint64"));
        // The real-Go harness runs the names it instantiates: a bool key
        // is not one (it has 2 values).
        let bool_key = why("go1.26/go-default/n=1000/keys=random/k=bool");
        assert!(
            bool_key.contains("key type `bool`") && bool_key.contains("int16, int32"),
            "{bool_key}"
        );
    }

    #[test]
    fn both_forms_of_one_axis_is_an_error_naming_the_two() {
        let both = TYPED.replace(
            "value = [\"struct{}\"]",
            "value = [\"struct{}\"]\nvalue_size = [8]",
        );
        let e = crate::profile::parse("t.toml", "t", &both)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`value_size` and `value`"), "{e}");
        let neither = TYPED.replace("key = [\"int32\", \"bool\"]\n", "");
        let e = crate::profile::parse("t.toml", "t", &neither)
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs `key`"), "{e}");
        let bad = TYPED.replace("\"bool\"", "\"int128\"");
        let e = crate::profile::parse("t.toml", "t", &bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("int128") && e.contains("valid types: struct{}"),
            "{e}"
        );
    }

    #[test]
    fn the_evolution_profile_runs_every_release_on_every_type() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/evolution.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let p = crate::profile::parse(path, "evolution", &text).unwrap();
        let m = p.cells();
        // 3 scenarios x (5 models + 4 real runtimes) x 2 configurations x
        // 3 keys x 4 values.
        assert_eq!(m.cells.len(), 3 * 9 * 2 * 3 * 4, "{:?}", m.skipped);
        assert!(m.skipped.is_empty(), "{:?}", m.skipped);
    }
}
