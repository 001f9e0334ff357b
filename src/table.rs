//! `mapamp table load-factor`: Go's load-factor table, regenerated from the model.
//!
//! The header of Go's `runtime/map.go` gives, for load factors 4.0 to 8.0,
//! statistics of *maximally loaded* tables of 8-byte keys and values: the
//! share of buckets with an overflow bucket, bytes of overhead per entry,
//! and the entries checked by a hit and by a miss. This module builds such
//! tables with the model (random keys, `count = floor(load factor · 2^B)`,
//! several seeds) and prints them beside Go's published figures, with the
//! difference expressed in standard errors of the model's mean.

use crate::accounting::Off;
use crate::gomap::structure::GO_PUBLISHED_TABLE;
use crate::gomap::{max_count_at, GoMap, Knobs};
use crate::gotype::Shape;
use crate::hash::SeededHash;
use crate::workload::{self, KeyDist};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// What to build.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableConfig {
    /// log2 of the bucket count of the loaded tables.
    pub b: u8,
    /// Seeds per load factor.
    pub seeds: u64,
    /// Load factors to sweep.
    pub load_factors: Vec<f64>,
}

impl Default for TableConfig {
    fn default() -> Self {
        TableConfig {
            b: 16,
            seeds: 10,
            load_factors: GO_PUBLISHED_TABLE.iter().map(|r| r[0]).collect(),
        }
    }
}

/// Mean, standard deviation and standard error of a figure over seeds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    /// Mean over seeds.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Standard error of the mean.
    pub se: f64,
}

impl Stat {
    fn of(xs: &[f64]) -> Stat {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = if xs.len() > 1 {
            xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        Stat {
            mean,
            sd: var.sqrt(),
            se: (var / n).sqrt(),
        }
    }
}

/// One figure: the model's statistic beside Go's published value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The model over seeds.
    pub model: Stat,
    /// Go's published value, if Go's table has this load factor.
    pub go: Option<f64>,
    /// `model.mean - go`.
    pub delta: Option<f64>,
}

impl Figure {
    fn new(xs: &[f64], go: Option<f64>) -> Figure {
        let model = Stat::of(xs);
        Figure {
            model,
            go,
            delta: go.map(|g| model.mean - g),
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    /// Load factor.
    pub load_factor: f64,
    /// Entries in each table (`floor(load_factor · 2^B)`).
    pub count: usize,
    /// % of buckets with an overflow bucket.
    pub pct_overflow: Figure,
    /// Overhead bytes per entry.
    pub bytes_per_entry: Figure,
    /// Mean entries checked to find a present key.
    pub hitprobe: Figure,
    /// Mean entries checked to miss.
    pub missprobe: Figure,
}

/// The whole table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadFactorTable {
    /// How it was built.
    pub config: TableConfig,
    /// Rows in load-factor order.
    pub rows: Vec<TableRow>,
    /// Where Go's figures come from.
    pub go_source: String,
}

/// Why a table cannot be built: the option to blame and its valid values.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// `--seeds 0`.
    #[error("--seeds must be at least 1")]
    NoSeeds,
    /// `--b` outside 4..=22.
    #[error("--b {0} is out of range; use 4 to 22")]
    B(u8),
    /// The model's loaded table is not the one asked for (a model defect).
    #[error("load factor {load_factor}: expected a settled table with B = {want}, got B = {got} (growing: {growing})")]
    Unsettled {
        /// The load factor.
        load_factor: f64,
        /// `--b`.
        want: u8,
        /// The table's B.
        got: u8,
        /// Whether it was still growing.
        growing: bool,
    },
    /// A load factor of the table the model refuses.
    #[error(transparent)]
    Knobs(#[from] crate::gomap::KnobError),
}

/// Builds the table.
pub fn load_factor_table(cfg: &TableConfig) -> Result<LoadFactorTable, TableError> {
    if cfg.seeds == 0 {
        return Err(TableError::NoSeeds);
    }
    if !(4..=22).contains(&cfg.b) {
        return Err(TableError::B(cfg.b));
    }
    let mut rows = Vec::new();
    for &lf in &cfg.load_factors {
        let knobs = Knobs {
            load_factor: lf,
            ..Knobs::default()
        };
        knobs.validate()?;
        let count = max_count_at(cfg.b, lf);
        let mut cols: [Vec<f64>; 4] = Default::default();
        for seed in 1..=cfg.seeds {
            let mut m: GoMap<SeededHash, Off> =
                GoMap::with_config(Shape::words(1), Shape::words(1), knobs, 0, seed, SeededHash);
            workload::insert(&mut m, count, KeyDist::Random, seed);
            let s = m.structure();
            if s.b != cfg.b || s.growing {
                return Err(TableError::Unsettled {
                    load_factor: lf,
                    want: cfg.b,
                    got: s.b,
                    growing: s.growing,
                });
            }
            cols[0].push(s.pct_buckets_with_overflow);
            cols[1].push(s.overhead_bytes_per_entry);
            cols[2].push(s.hitprobe);
            cols[3].push(s.missprobe);
        }
        let go = GO_PUBLISHED_TABLE.iter().find(|r| r[0] == lf);
        rows.push(TableRow {
            load_factor: lf,
            count,
            pct_overflow: Figure::new(&cols[0], go.map(|r| r[1])),
            bytes_per_entry: Figure::new(&cols[1], go.map(|r| r[2])),
            hitprobe: Figure::new(&cols[2], go.map(|r| r[3])),
            missprobe: Figure::new(&cols[3], go.map(|r| r[4])),
        });
    }
    Ok(LoadFactorTable {
        config: cfg.clone(),
        rows,
        go_source: "header comment of Go's runtime/map.go (64-bit, 8-byte keys and elems)".into(),
    })
}

fn cell(f: &Figure, prec: usize) -> String {
    match f.go {
        Some(g) => format!(
            "{:>7.prec$} {:>7.prec$} {:>+6.prec$}",
            f.model.mean,
            g,
            f.model.mean - g
        ),
        None => format!("{:>7.prec$} {:>7} {:>6}", f.model.mean, "-", "-"),
    }
}

/// The table for a terminal: model, Go, difference for each statistic.
pub fn render_text(t: &LoadFactorTable) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Load-factor table: maximally loaded tables of 8-byte keys and values, B = {}, {} seeds per row",
        t.config.b, t.config.seeds
    );
    let _ = writeln!(s, "Go's figures: {}\n", t.go_source);
    let _ = writeln!(
        s,
        "{:>5} | {:^22} | {:^22} | {:^22} | {:^22}",
        "LF", "% overflow", "bytes/entry", "hitprobe", "missprobe"
    );
    let _ = writeln!(
        s,
        "{:>5} | {:^22} | {:^22} | {:^22} | {:^22}",
        "",
        "model     Go      diff",
        "model     Go      diff",
        "model     Go      diff",
        "model     Go      diff"
    );
    for r in &t.rows {
        let _ = writeln!(
            s,
            "{:>5.2} | {} | {} | {} | {}",
            r.load_factor,
            cell(&r.pct_overflow, 2),
            cell(&r.bytes_per_entry, 2),
            cell(&r.hitprobe, 3),
            cell(&r.missprobe, 3)
        );
    }
    let worst = t
        .rows
        .iter()
        .filter_map(|r| {
            let f = &r.pct_overflow;
            f.delta
                .map(|d| (r.load_factor, d, d / f.model.se.max(1e-12)))
        })
        .max_by(|a, b| a.2.abs().total_cmp(&b.2.abs()));
    if let Some((lf, d, z)) = worst {
        let _ = writeln!(
            s,
            "\nLargest %overflow difference: {d:+.2} points at load factor {lf} ({z:+.1} standard errors of the model's mean)."
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_of_constant_has_no_spread() {
        let s = Stat::of(&[2.0, 2.0, 2.0]);
        assert_eq!((s.mean, s.sd, s.se), (2.0, 0.0, 0.0));
    }

    #[test]
    fn bad_config_is_refused() {
        let e = load_factor_table(&TableConfig {
            b: 2,
            ..TableConfig::default()
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("use 4 to 22"), "{e}");
    }
}
