//! `mapamp compare` with a criterion baseline as a side, on the fixture in
//! `tests/data/criterion/` (real `cargo bench --bench copy_paths` output,
//! see its README.md): baselines `before` and `new` of the cells of
//! `tests/data/compare/base` (insert and assign, gomap, go-default and
//! presized, N = 1024). Also: `critcmp` reads the same baselines, where it
//! is installed.

use mapamp::compare::schema::{CompareReport, Rule, Verdict};
use mapamp::compare::{self, CompareOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;
use common::{copy_dir, mapamp, scratch};

const CELL: &str = "insert/gomap/go-default/n=1024/keys=random/k8v8";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/criterion")
}

fn at(root: &Path, baseline: &str) -> String {
    format!("{}@{baseline}", root.display())
}

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn lib_compare(a: &str, b: &str) -> CompareReport {
    compare::compare(a, b, &CompareOptions::default())
        .unwrap()
        .report
}

/// The benchmark folder of a cell under a criterion folder.
fn bench_dir(root: &Path, cell: &str, baseline: &str) -> PathBuf {
    let (group, rest) = cell.split_once('/').unwrap();
    root.join(group).join(rest.replace('/', "_")).join(baseline)
}

#[test]
fn two_baselines_pair_every_cell_with_figures_from_criterions_files() {
    let root = fixture();
    let r = lib_compare(&at(&root, "before"), &at(&root, "new"));
    assert_eq!(r.summary.cells, 4, "{:?}", r.unmatched);
    assert!(r.unmatched.only_a.is_empty() && r.unmatched.only_b.is_empty());
    let cell = r.cells.iter().find(|c| c.id == CELL).unwrap();
    let row = cell.rows.iter().find(|x| x.metric == "ns_per_op").unwrap();
    // ns/op = criterion's median per iteration / the throughput's elements.
    for (side, value) in [("before", row.a), ("new", row.b)] {
        let d = bench_dir(&root, CELL, side);
        let median = json(&d.join("estimates.json"))["median"]["point_estimate"]
            .as_f64()
            .unwrap();
        let elements = json(&d.join("benchmark.json"))["throughput"]["ElementsAndBytes"]
            ["elements"]
            .as_u64()
            .unwrap();
        assert_eq!(elements, 1024, "insert of N = 1024 writes 1024 entries");
        let v = value.unwrap();
        assert!(
            (v - median / elements as f64).abs() <= 1e-9 * v,
            "{side}: {v}"
        );
    }
    // The verdict is compare's time rule on criterion's samples.
    assert_eq!(row.rule, Rule::MannWhitney);
    assert!(row.p_value.is_some());
    assert!(matches!(
        row.verdict,
        Verdict::Better | Verdict::Worse | Verdict::Same
    ));
    // Everything criterion does not measure is unavailable, with the reason.
    let wa = cell
        .rows
        .iter()
        .find(|x| x.metric == "write_amplification")
        .unwrap();
    assert_eq!(wa.verdict, Verdict::Unavailable);
    assert!(
        wa.reason
            .as_deref()
            .unwrap()
            .contains("criterion baseline has wall-clock times only"),
        "{:?}",
        wa.reason
    );
    // Each side says what it is and which rule its time got.
    for input in [&r.inputs.a, &r.inputs.b] {
        let note = input.note.as_deref().unwrap();
        assert!(note.contains("one process"), "{note}");
        assert!(note.contains("Mann–Whitney U"), "{note}");
    }
    assert_eq!(r.inputs.a.run_name, "criterion baseline `before`");
}

#[test]
fn selectors_pair_two_configurations_of_one_baseline() {
    let root = fixture();
    let r = lib_compare(
        &format!("{}#config=go-default", at(&root, "new")),
        &format!("{}#config=presized", at(&root, "new")),
    );
    assert_eq!(r.summary.cells, 2);
    let insert = r
        .cells
        .iter()
        .find(|c| c.id == "insert/gomap/go-default-vs-presized/n=1024/keys=random/k8v8")
        .unwrap();
    let row = insert
        .rows
        .iter()
        .find(|x| x.metric == "ns_per_op")
        .unwrap();
    assert!(row.a.is_some() && row.b.is_some());
    assert_eq!(row.rule, Rule::MannWhitney);
}

#[test]
fn a_criterion_side_against_a_report_folder_has_incomparable_time() {
    let root = fixture();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compare/base");
    let r = lib_compare(base.to_str().unwrap(), &at(&root, "before"));
    assert_eq!(r.summary.cells, 4);
    for c in &r.cells {
        let row = c.rows.iter().find(|x| x.metric == "ns_per_op").unwrap();
        assert_eq!(row.verdict, Verdict::Incomparable, "{}", c.id);
        assert!(
            row.reason.as_deref().unwrap().contains("different methods"),
            "{:?}",
            row.reason
        );
    }
    assert!(r.inputs.a.note.is_none());
    assert!(r.inputs.b.note.as_deref().unwrap().contains("incomparable"));
}

#[test]
fn the_command_writes_the_note_and_gates_on_a_real_slowdown() {
    // A copy of the fixture whose `new` insert/go-default is its `before`
    // made twice as slow (samples and estimates): a regression of 100%,
    // beyond the spread of one process's samples on a shared machine
    // (this fixture's own samples span 30 to 54 ns/op).
    let dir = scratch("gate");
    let root = dir.join("criterion");
    copy_dir(&fixture(), &root);
    let d = bench_dir(&root, CELL, "new");
    let before = bench_dir(&root, CELL, "before");
    std::fs::remove_dir_all(&d).unwrap();
    copy_dir(&before, &d);
    let mut sample = json(&d.join("sample.json"));
    for t in sample["times"].as_array_mut().unwrap() {
        *t = Value::from(t.as_f64().unwrap() * 2.0);
    }
    std::fs::write(d.join("sample.json"), sample.to_string()).unwrap();
    let mut est = json(&d.join("estimates.json"));
    let m = &mut est["median"];
    m["point_estimate"] = Value::from(m["point_estimate"].as_f64().unwrap() * 2.0);
    for k in ["lower_bound", "upper_bound"] {
        let ci = &mut m["confidence_interval"];
        ci[k] = Value::from(ci[k].as_f64().unwrap() * 2.0);
    }
    std::fs::write(d.join("estimates.json"), est.to_string()).unwrap();

    let out = dir.join("cmp");
    let (code, stdout, stderr) = mapamp(&[
        "compare",
        &at(&root, "before"),
        &at(&root, "new"),
        "--metric",
        "ns_per_op",
        "--fail-on-regression",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("A: criterion baseline `before`"),
        "{stdout}"
    );
    assert!(stdout.contains("FAILED"), "{stdout}");
    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    assert!(md.contains("| note |"), "{md}");
    let r: CompareReport =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    let gate = r.gate.unwrap();
    assert!(
        gate.regressions.iter().any(|c| c.cell == CELL),
        "{:?}",
        gate.regressions
    );
}

#[test]
fn a_missing_baseline_or_a_bare_criterion_folder_exits_2_listing_the_baselines() {
    let root = fixture();
    let (code, _, err) = mapamp(&["compare", &at(&root, "nope"), &at(&root, "new")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no criterion baseline `nope`"), "{err}");
    assert!(err.contains("before, new"), "{err}");
    let (code, _, err) = mapamp(&["compare", root.to_str().unwrap(), &at(&root, "new")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("it is a criterion folder"), "{err}");
    assert!(err.contains("@<baseline>"), "{err}");
}

#[test]
fn a_damaged_baseline_file_exits_2_naming_it() {
    let dir = scratch("damaged");
    let root = dir.join("criterion");
    copy_dir(&fixture(), &root);
    let d = bench_dir(&root, CELL, "new");
    std::fs::write(d.join("sample.json"), "{\"iters\": [1.0], \"times\": []}").unwrap();
    let (code, _, err) = mapamp(&["compare", &at(&root, "before"), &at(&root, "new")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("sample.json"), "{err}");
    assert!(err.contains("equal length"), "{err}");
    std::fs::remove_file(d.join("estimates.json")).unwrap();
    let (code, _, err) = mapamp(&["compare", &at(&root, "before"), &at(&root, "new")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("has no estimates.json"), "{err}");
}

/// `critcmp` (crates.io, `cargo install critcmp`) reads the baselines
/// `cargo bench -- --save-baseline` leaves: both names and every cell.
#[test]
fn critcmp_reads_the_saved_baselines() {
    let Ok(version) = Command::new("critcmp").arg("--version").output() else {
        eprintln!("SKIPPED: critcmp is not installed (cargo install critcmp); .ci/run installs it");
        return;
    };
    assert!(version.status.success());
    // critcmp looks for `<target dir>/criterion`.
    let dir = scratch("critcmp");
    copy_dir(&fixture(), &dir.join("criterion"));
    let out = Command::new("critcmp")
        .args(["--target-dir", dir.to_str().unwrap(), "before", "new"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("before") && text.contains("new"), "{text}");
    for cell in [
        "insert/gomap/go-default/n=1024/keys=random/k8v8",
        "insert/gomap/presized/n=1024/keys=random/k8v8",
        "assign/gomap/go-default/n=1024/keys=random/k8v8",
        "assign/gomap/presized/n=1024/keys=random/k8v8",
    ] {
        assert!(text.contains(cell), "critcmp lists {cell}: {text}");
    }
}
