//! Profiles: the shipped ones are valid, bad ones give errors that name the
//! file, line and the valid values, and every isolated scenario of `smoke`
//! proves its isolation.

use mapamp::accounting::Counting;
use mapamp::profile;
use mapamp::scenario::{prepare_any, CellSpec};
use std::process::Command;

const GOOD: &str = r#"
description = "test"
[axes]
scenario = ["insert"]
variant = ["gomap"]
n = [1000]
keys = ["random"]
key_size = [8]
value_size = [8]
"#;

fn check(text: &str) -> (i32, String) {
    let dir = crate::common::scratch("profiles");
    let path = dir.join(format!(
        "p{}.toml",
        text.len() ^ text.bytes().map(|b| b as usize).sum::<usize>()
    ));
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args(["profile", "check"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let file = path.display().to_string();
    // Every error names the file.
    if out.status.code() != Some(0) {
        assert!(err.contains(&file), "error must name the file: {err}");
    }
    (out.status.code().unwrap_or(-1), err.replace(&file, "FILE"))
}

fn bad(text: &str, line: usize, must_contain: &[&str]) {
    let (code, err) = check(text);
    assert_eq!(code, 2, "should be refused:\n{text}\n{err}");
    assert!(
        err.contains(&format!("FILE:{line}:")),
        "error must name line {line}: {err}"
    );
    for m in must_contain {
        assert!(err.contains(m), "error must mention `{m}`: {err}");
    }
}

#[test]
fn shipped_profiles_are_valid() {
    for name in ["smoke", "quick", "default", "full"] {
        let p = profile::load_named(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!p.cells().cells.is_empty());
        // smoke and quick compare Go's knobs with a presized map, on every copy path.
        if name == "smoke" || name == "quick" {
            let names: Vec<_> = p.configs.iter().map(|c| c.name.as_str()).collect();
            assert!(
                names.contains(&"go-default") && names.contains(&"presized"),
                "{name}: {names:?}"
            );
            for path in [
                "assign",
                "overflow",
                "evacuate_double",
                "evacuate_same_size",
            ] {
                assert!(
                    p.scenarios.iter().any(|s| s.name() == path),
                    "{name} lacks {path}"
                );
            }
        }
    }
    assert_eq!(check(GOOD).0, 0);
}

#[test]
fn cell_ids_are_stable_and_file_name_safe() {
    let p = profile::load_named("smoke").unwrap();
    let ids: Vec<String> = p.cells().cells.iter().map(|c| c.id().to_string()).collect();
    assert!(ids.contains(&"evacuate_double/gomap/go-default/n=2048/keys=random/k8v8".to_string()));
    assert!(ids
        .iter()
        .all(|id| mapamp::cell::CellId::new(id.clone()).is_ok()));
    let again: Vec<String> = profile::load_named("smoke")
        .unwrap()
        .cells()
        .cells
        .iter()
        .map(|c| c.id().to_string())
        .collect();
    assert_eq!(ids, again);
    let mut dedup = ids.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), ids.len(), "ids are unique");
}

#[test]
fn malformed_toml() {
    bad("[axes\nscenario = [\"insert\"]\n", 1, &[]);
}

#[test]
fn unknown_top_level_key() {
    bad(
        &format!("colour = \"blue\"\n{GOOD}"),
        1,
        &["colour", "axes", "configs", "lenses"],
    );
    // After [axes], a stray key belongs to that table: the error lists its keys.
    bad(
        &format!("{GOOD}\ncolour = \"blue\"\n"),
        11,
        &["colour", "scenario", "value_size"],
    );
}

#[test]
fn unknown_axis() {
    bad(
        &GOOD.replace("value_size = [8]", "value_size = [8]\nload = [1]"),
        10,
        &["load", "scenario", "value_size"],
    );
}

#[test]
fn unknown_variant() {
    bad(
        &GOOD.replace("[\"gomap\"]", "[\"gomap\", \"swissmap\"]"),
        5,
        &[
            "swissmap",
            "gomap, gomap-slab, gomap-inline, goswiss, goswiss-noprune, goswiss-127, goswiss-127split, hashbrown, std",
        ],
    );
}

#[test]
fn unknown_scenario() {
    bad(
        &GOOD.replace("[\"insert\"]", "[\"insert\", \"grow\"]"),
        4,
        &["grow", "assign, overflow, evacuate_double"],
    );
}

#[test]
fn unknown_knob_in_a_configuration() {
    bad(
        &format!("{GOOD}[configs.fast]\nload_facter = 4.0\n"),
        11,
        &["load_facter", "load_factor", "evacuate_batch", "hint"],
    );
}

#[test]
fn empty_axis() {
    bad(
        &GOOD.replace("keys = [\"random\"]", "keys = []"),
        7,
        &["`keys` is empty"],
    );
}

#[test]
fn impossible_values() {
    bad(
        &GOOD.replace("value_size = [8]", "value_size = [24]"),
        9,
        &["value size 24", "8, 16, 32, 64, 128, 256"],
    );
    bad(
        &GOOD.replace("n = [1000]", "n = [0]"),
        6,
        &["n = 0", "out of range"],
    );
    bad(
        &format!("{GOOD}[configs.odd]\nload_factor = 0.5\n"),
        11,
        &["load factor 0.5", "1.0 to 8.0"],
    );
    bad(
        &format!("{GOOD}[configs.odd]\nhint = \"lots\"\n"),
        11,
        &["hint `lots`", "none"],
    );
    bad(
        &format!("{GOOD}[configs.odd]\nevacuate_batch = \"some\"\n"),
        11,
        &["`some`", "all"],
    );
    bad(
        &format!("{GOOD}[budget]\ntime_processes = 0\n"),
        11,
        &["budget.time_processes = 0", "1 to 1000"],
    );
    bad(
        &format!("{GOOD}[budget]\nflamegraph_samples = 0\n"),
        11,
        &["budget.flamegraph_samples = 0", "out of range"],
    );
}

/// Cells whose configuration differs only in a hint the scenario overrides
/// run the same setup: `profile cells --all` marks them (they are kept as
/// A/A controls of the time lens), the plain list is unchanged.
#[test]
fn same_setup_cells_are_marked() {
    let p = profile::load_named("smoke").unwrap();
    let cells = p.cells().cells;
    let same = profile::same_setup(&cells);
    let marked: Vec<String> = cells
        .iter()
        .zip(&same)
        .filter(|(_, s)| s.is_some())
        .map(|(c, _)| c.id().to_string())
        .collect();
    // assign and overflow size the map themselves (5 variants + 3 Go-family
    // ones); so does a Swiss table's same-size scenario (hashbrown; the Go
    // Swiss map churns at its hint). small_to_table, table_grow and
    // table_split start from make(map) too, but smoke has no presized
    // cell of them to mark.
    assert_eq!(marked.len(), 5 + 3 + 1, "{marked:?}");
    assert!(
        marked.iter().all(|id| id.contains("/presized/")),
        "{marked:?}"
    );
    for (c, s) in cells.iter().zip(&same) {
        if let Some(s) = s {
            assert_eq!(
                s.cell,
                c.id().to_string().replace("/presized/", "/go-default/")
            );
            assert!(s.reason.contains("A/A control"), "{}", s.reason);
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args(["profile", "cells", "smoke", "--all"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("assign/gomap/presized/")
            && l.contains("\tsame setup as assign/gomap/go-default/")),
        "{text}"
    );
    let plain = Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args(["profile", "cells", "smoke"])
        .output()
        .unwrap();
    let plain = String::from_utf8_lossy(&plain.stdout);
    assert_eq!(plain.lines().count(), cells.len());
    assert!(plain.lines().all(|l| !l.contains('\t')));
}

#[test]
fn wrong_type() {
    bad(
        &GOOD.replace("n = [1000]", "n = [\"many\"]"),
        6,
        &["\"many\"", "expected i64"],
    );
}

#[test]
fn n_too_large_for_memory() {
    bad(
        &GOOD.replace("n = [1000]", "n = [4294967296]"),
        6,
        &["too large", "MiB are available"],
    );
}

#[test]
fn unknown_lens_and_bad_locate() {
    bad(
        &format!("{GOOD}[lenses]\nenabled = [\"time\", \"xray\"]\n"),
        11,
        &[
            "xray",
            "accounting, time, latency, counters, flamegraph, callgrind",
        ],
    );
    let loc = "[locate]\nhash = [\"fnv1a\"]\nindex = [\"mask\"]\nkeys = [\"u64\"]\nn = [100]\nbuckets = [1000]\n";
    bad(
        &format!("{GOOD}{loc}"),
        12,
        &["1000", "power-of-two", "modulo"],
    );
}

#[test]
fn nothing_applies() {
    bad(
        &GOOD
            .replace("[\"insert\"]", "[\"overflow\"]")
            .replace("[\"gomap\"]", "[\"hashbrown\"]"),
        3,
        &["no combination", "Go-family"],
    );
}

/// Every isolated scenario of `smoke`, for every variant in it: at least the
/// target share of the measured region's bytes belongs to the path.
#[test]
fn smoke_isolated_scenarios_prove_their_isolation() {
    let p = profile::load_named("smoke").unwrap();
    let mut checked = 0;
    for cell in p.cells().cells {
        let CellSpec::Map(m) = &cell else { continue };
        let Some(target) = m.isolation_target() else {
            continue;
        };
        let path = target.path;
        let mut r = prepare_any::<Counting>(&cell).unwrap_or_else(|e| panic!("{}: {e}", cell.id()));
        let before = r.accounting().unwrap();
        r.run();
        let region = r.accounting().unwrap().since(&before);
        let total = region.bytes_written.total();
        assert!(total > 0, "{}: the region wrote nothing", cell.id());
        let share = region.bytes_written.get(path) as f64 / total as f64;
        assert!(
            share >= target.share,
            "{}: {path} is {share:.4} of the region's bytes, below the target {:.4} ({:?})",
            cell.id(),
            target.share,
            target.reason
        );
        checked += 1;
    }
    // 4 classic scenarios x 2 configurations x (5 variants, 3 for overflow),
    // and goswiss's small_to_table, table_grow and table_split (go-default).
    assert_eq!(checked, 3 * 2 * 5 + 2 * 3 + 3);
}

/// A snapshot of a prepared cell (what the flame graph lens replays) runs
/// the region exactly as the original does: same bytes on every path,
/// same allocations, same final structure. For the slab design this
/// includes when the slab next doubles, which depends on its capacity.
#[test]
fn a_snapshot_replays_the_region_exactly() {
    let p = profile::load_named("smoke").unwrap();
    let mut checked = 0;
    for cell in p.cells().cells {
        let CellSpec::Map(_) = &cell else { continue };
        let mut original =
            prepare_any::<Counting>(&cell).unwrap_or_else(|e| panic!("{}: {e}", cell.id()));
        let mut copy = original.snapshot();
        let before = original.accounting().unwrap();
        assert_eq!(copy.accounting().unwrap(), before, "{}", cell.id());
        let ran = original.run();
        assert_eq!(copy.run(), ran, "{}", cell.id());
        let region = original.accounting().unwrap().since(&before);
        assert!(region.bytes_written.total() > 0, "{}", cell.id());
        assert_eq!(
            copy.accounting().unwrap().since(&before),
            region,
            "{}",
            cell.id()
        );
        assert_eq!(copy.structure(), original.structure(), "{}", cell.id());
        assert_eq!(copy.swiss(), original.swiss(), "{}", cell.id());
        checked += 1;
    }
    // Every smoke cell but the 2 locate cells (`mapamp profile cells smoke`).
    assert_eq!(checked, 71 - 2);
}
