//! Shared by the bench targets: which profile to run (`MAPAMP_PROFILE`, a
//! name or a path; default `quick`) and its cells, the command line as
//! criterion reads it ([`args`]), progress lines, and the notice a target
//! prints instead of failing when its tool is missing ([`notice`]).

#![allow(dead_code)]

pub mod args;
pub mod notice;

use mapamp::profile::{self, Profile};
use mapamp::scenario::{CellSpec, Scenario};

/// The profile `cargo bench` runs when `MAPAMP_PROFILE` is not set.
pub const DEFAULT_PROFILE: &str = "quick";

/// Loads the profile named by `MAPAMP_PROFILE`, or exits with the reason.
pub fn profile() -> Profile {
    let name = std::env::var("MAPAMP_PROFILE").unwrap_or_else(|_| DEFAULT_PROFILE.to_string());
    match profile::load_named(&name) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("mapamp bench: MAPAMP_PROFILE={name}: {e}");
            std::process::exit(2);
        }
    }
}

/// The profile's cells grouped by scenario, in scenario order (io cells
/// have their own bench, `io_paths`).
pub fn cells_by_scenario(p: &Profile) -> Vec<(Scenario, Vec<CellSpec>)> {
    let cells = p.cells().cells;
    Scenario::ALL
        .into_iter()
        .filter(|s| *s != Scenario::Io)
        .map(|s| {
            (
                s,
                cells
                    .iter()
                    .filter(|c| c.scenario() == s)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// "cell i of n" lines on stderr, one per benchmark as it starts (criterion
/// prints its results on stdout).
pub struct Progress {
    bench: &'static str,
    total: usize,
    done: usize,
}

impl Progress {
    /// A bench target that will run `total` benchmarks.
    pub fn new(bench: &'static str, total: usize) -> Progress {
        Progress {
            bench,
            total,
            done: 0,
        }
    }

    /// Announces the next benchmark.
    pub fn next(&mut self, what: &str) {
        self.done += 1;
        eprintln!(
            "{}: cell {} of {}: {what}",
            self.bench, self.done, self.total
        );
    }
}
