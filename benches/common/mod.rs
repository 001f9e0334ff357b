//! Shared by the bench targets: which profile to run (`MAPAMP_PROFILE`, a
//! name or a path; default `quick`), and the cells of it.

#![allow(dead_code)]

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
