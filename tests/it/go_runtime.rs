//! The real Go runtime as a lens, end to end: the Go module vets and tests
//! clean on every toolchain here; `mapamp run` gives real-Go cells every
//! lens as a figure or a reason (a missing toolchain included), writes
//! bench.txt and the model-vs-real tables; `mapamp compare` pairs model and
//! real cells; and the derived accounting of the real classic and Swiss maps
//! equals the models' exact accounting where the runtime is deterministic.
//!
//! A toolchain that is not installed makes its part say SKIPPED with the
//! reason (CI installs Go 1.19 with apt; Go 1.26 is the machine's `go`).

use mapamp::accounting::Counting;
use mapamp::golang::toolchain::{self, GoRelease};
use mapamp::profile::{self, LensKind};
use mapamp::scenario::{prepare_any, CellSpec, MapCell};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn skip(what: &str, why: impl std::fmt::Display) {
    eprintln!("SKIPPED {what}: {why}");
}

fn go_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("go")
}

#[test]
fn the_go_module_vets_and_tests_clean_on_every_toolchain() {
    for tc in crate::common::go_toolchains("go vet / go test") {
        let release = tc.release;
        // `-trimpath` as `mapamp` builds Go (src/golang/build.rs): Go's build
        // cache then serves a new clone of the repository.
        for args in [
            &["vet", "-trimpath", "./..."][..],
            &["test", "-trimpath", "./..."][..],
        ] {
            let out = tc
                .command()
                .current_dir(go_dir())
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{} go {}: {}{}",
                tc.version,
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if release == GoRelease::Go126 {
            // gofmt of the machine's Go over both modules; the tools module vets too.
            let gofmt = tc.go.with_file_name("gofmt");
            let gofmt = if gofmt.is_file() {
                gofmt
            } else {
                PathBuf::from("gofmt")
            };
            let out = Command::new(&gofmt)
                .arg("-l")
                .arg(go_dir())
                .output()
                .unwrap();
            assert!(
                out.status.success() && out.stdout.is_empty(),
                "gofmt -l lists: {}",
                String::from_utf8_lossy(&out.stdout)
            );
            let out = tc
                .command()
                .current_dir(go_dir().join("tools"))
                .args(["vet", "-trimpath", "./..."])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "tools: go vet: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

fn mapamp(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mapamp"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("mapamp runs")
}

fn scratch(name: &str) -> PathBuf {
    crate::common::scratch(&format!("go-{name}"))
}

const PROFILE: &str = r#"
description = "real Go end to end"
[axes]
scenario = ["insert", "evacuate_double"]
variant = ["gomap", "go1.19", "go1.26"]
n = [4096]
keys = ["random"]
key_size = [8]
value_size = [8]
[configs.go-default]
[configs.gogc50]
gogc = 50
[lenses]
enabled = ["accounting", "time", "latency", "counters", "flamegraph", "callgrind"]
[budget]
time_processes = 3
time_samples = 5
time_ms = 300
warmup_ms = 10
flamegraph_ms = 100
"#;

fn run_profile(name: &str, more: &[&str], env: &[(&str, &str)]) -> (PathBuf, Value) {
    run_profile_text(name, PROFILE, more, env)
}

/// `mapamp run` of a profile's text into a scratch folder: the report
/// folder and its report.json.
pub(crate) fn run_profile_text(
    name: &str,
    text: &str,
    more: &[&str],
    env: &[(&str, &str)],
) -> (PathBuf, Value) {
    let dir = scratch(name);
    let prof = dir.join("p.toml");
    std::fs::write(&prof, text).unwrap();
    let out_dir = dir.join("report");
    let mut args = vec![
        "run",
        "--profile",
        prof.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    let out = mapamp(&args, env);
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
            .unwrap();
    (out_dir, r)
}

/// A lens is a figure or a reason: never a bare skip where it was asked for.
fn figure_or_reason(id: &str, name: &str, lens: &Value) {
    let reason = lens.get("unavailable").or_else(|| lens.get("skipped"));
    match reason {
        Some(r) => assert!(
            r.as_str().is_some_and(|s| !s.is_empty()) && lens.get("skipped").is_none(),
            "{id}: {name} lens must be a figure or unavailable with a reason: {lens}"
        ),
        None => assert!(lens.is_object(), "{id}: {name}: {lens}"),
    }
}

#[test]
fn real_go_cells_run_every_lens_beside_the_model() {
    let have = |r| toolchain::find(r).is_ok();
    if !have(GoRelease::Go119) && !have(GoRelease::Go126) {
        skip(
            "real-Go cells end to end",
            "neither go1.19 nor go1.26 is installed",
        );
        return;
    }
    let (dir, r) = run_profile("e2e", &[], &[]);
    let cells = r["cells"].as_array().unwrap();
    // gomap: 2 scenarios x go-default; real Go: 2 scenarios x 2 configs each.
    assert_eq!(
        cells.len(),
        2 + 4 + 4,
        "{:?}",
        cells.iter().map(|c| &c["id"]).collect::<Vec<_>>()
    );
    for c in cells {
        let id = c["id"].as_str().unwrap();
        let variant = c["axes"]["variant"].as_str().unwrap();
        let l = &c["lenses"];
        if variant == "gomap" {
            assert!(
                l.get("go_runtime").is_none(),
                "{id}: a model cell has no go_runtime lens"
            );
            continue;
        }
        for name in [
            "accounting",
            "time",
            "latency",
            "counters",
            "flamegraph",
            "callgrind",
            "go_runtime",
        ] {
            figure_or_reason(id, name, &l[name]);
        }
        let release = if variant == "go1.19" {
            GoRelease::Go119
        } else {
            GoRelease::Go126
        };
        if let Err(e) = toolchain::find(release) {
            skip(id, &e);
            assert!(
                l["time"]["unavailable"]
                    .as_str()
                    .unwrap()
                    .contains("install"),
                "{id}: {}",
                l["time"]
            );
            continue;
        }
        assert!(l["time"]["ns_per_op"].as_f64().unwrap() > 0.0, "{id}");
        // One Go harness process per time process, each with its samples;
        // no reference timing in a Go process.
        let procs = l["time"]["processes"].as_array().unwrap();
        assert_eq!(procs.len(), 3, "{id}");
        for (k, p) in procs.iter().enumerate() {
            assert_eq!(p["process"], k, "{id}");
            // The harness takes `time_samples` (5) regions, at least 3,
            // and stops after the third once `time_ms` has passed (a loaded
            // machine can get there first).
            let n = p["samples_ns_per_op"].as_array().unwrap().len();
            assert!((3..=5).contains(&n), "{id}: {n} samples");
            assert!(p["median_ns_per_op"].as_f64().unwrap() > 0.0, "{id}");
            assert!(p["reference_ns"].as_array().unwrap().is_empty(), "{id}");
        }
        assert!(l["time"]["vs_reference"].is_null(), "{id}");
        assert_eq!(
            l["latency"]["processes"].as_array().unwrap().len(),
            3,
            "{id}"
        );
        assert!(l["latency"]["p99_ns"].as_f64().unwrap() > 0.0, "{id}");
        let g = &l["go_runtime"];
        assert!(
            g["go_version"].as_str().unwrap().starts_with(variant),
            "{id}: {g}"
        );
        assert_eq!(g["heap_bytes"]["source"], "go-runtime-metrics");
        // One value per timed region of the cell's own harness run: 3 to
        // `time_samples` (5), by the same `time_ms` rule.
        let regions = g["heap_bytes"]["values"].as_array().unwrap().len();
        assert!((3..=5).contains(&regions), "{id}: {regions} regions");
        let config = c["axes"]["config"].as_str().unwrap();
        assert_eq!(
            g["gogc"],
            if config == "gogc50" { "50" } else { "default" },
            "{id}"
        );
        assert!(
            l["counters"]["unavailable"]
                .as_str()
                .unwrap()
                .contains("Go harness"),
            "{id}"
        );
        if c["axes"]["scenario"] == "insert" {
            assert!(
                g["heap_bytes_per_op"]["value"].as_f64().unwrap() > 0.0,
                "{id}: {g}"
            );
        }
        if variant == "go1.19" {
            let a = &l["accounting"];
            assert_eq!(a["exactness"], "derived", "{id}: {a}");
            if c["axes"]["scenario"] == "insert" {
                assert!(
                    a["write_amplification"].as_f64().unwrap() > 1.0,
                    "{id}: {a}"
                );
            }
            assert!(
                g["gc_cpu_seconds"]["unavailable"]
                    .as_str()
                    .unwrap()
                    .contains("Go 1.20"),
                "{id}"
            );
            assert_eq!(g["structure"]["design"], "classic");
            if c["axes"]["scenario"] == "evacuate_double" {
                let iso = &a["isolation"];
                assert!(
                    iso["share"].as_f64().unwrap() >= iso["target"].as_f64().unwrap(),
                    "{id}: {iso}"
                );
            }
        } else {
            // The Swiss map's bytes, derived with the Swiss model's layout.
            let a = &l["accounting"];
            assert_eq!(a["exactness"], "derived", "{id}: {a}");
            if c["axes"]["scenario"] == "insert" {
                assert!(
                    a["write_amplification"].as_f64().unwrap() > 1.0
                        && a["bytes_written"]["table_split"].as_u64().unwrap() > 0,
                    "{id}: {a}"
                );
            }
            assert!(g["gc_cpu_seconds"]["values"].is_array(), "{id}: {g}");
            assert_eq!(g["structure"]["design"], "swiss");
        }
        if let Some(svg) = l["flamegraph"]["svg"].as_str() {
            assert!(dir.join(svg).is_file(), "{id}: {svg}");
            assert!(
                dir.join(l["flamegraph"]["pprof"].as_str().unwrap())
                    .is_file(),
                "{id}"
            );
        }
        if let Some(ir) = l["callgrind"]["ir"].as_u64() {
            assert!(ir > 0, "{id}");
        }
    }
    // bench.txt: one line per cell, benchmark names carry the axes.
    let bench = std::fs::read_to_string(dir.join("bench.txt")).unwrap();
    let lines: Vec<&str> = bench
        .lines()
        .filter(|l| l.starts_with("Benchmark"))
        .collect();
    assert_eq!(lines.len(), cells.len(), "{bench}");
    assert!(
        bench.contains("BenchmarkInsert/variant=go1.19/config=gogc50/n=4096/keys=random/kv=k8v8 "),
        "{bench}"
    );
    // The summary shows model and real side by side.
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(md.contains("## Model and real Go side by side"), "{md}");
    // compare pairs the model's cells with the runtime's.
    let cmp = dir.join("cmp");
    let out = mapamp(
        &[
            "compare",
            &format!("{}#variant=gomap", dir.display()),
            &format!("{}#variant=go1.19", dir.display()),
            "--out",
            cmp.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "compare: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c: Value =
        serde_json::from_str(&std::fs::read_to_string(cmp.join("compare.json")).unwrap()).unwrap();
    assert_eq!(c["cells"].as_array().unwrap().len(), 2, "{c}");
    let metrics: Vec<&str> = c["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        metrics.contains(&"heap_bytes_per_op") && metrics.contains(&"gc_cycles"),
        "{metrics:?}"
    );
    if toolchain::find(GoRelease::Go119).is_ok() {
        let insert = c["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"].as_str().unwrap().starts_with("insert/"))
            .unwrap();
        let row = insert["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["metric"] == "heap_bytes_per_op")
            .unwrap();
        assert_eq!(
            row["source"], "A model-accounting, B go-runtime-metrics",
            "{row}"
        );
        assert!(
            row["a"].as_f64().unwrap() > 0.0 && row["b"].as_f64().unwrap() > 0.0,
            "{row}"
        );
    }
}

#[test]
fn a_missing_toolchain_makes_its_cells_unavailable_and_the_run_goes_on() {
    let (_, r) = run_profile(
        "missing",
        &["--cells", "*/go1.19/go-default/*"],
        &[("MAPAMP_GO119", "/nonexistent/go")],
    );
    assert_eq!(r["cells"].as_array().unwrap().len(), 2);
    for c in r["cells"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        if c["axes"]["variant"] != "go1.19" {
            continue;
        }
        for name in [
            "accounting",
            "time",
            "latency",
            "flamegraph",
            "callgrind",
            "go_runtime",
        ] {
            let why = c["lenses"][name]["unavailable"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: {name}: {}", c["lenses"][name]));
            assert!(
                why.contains("go1.19") && why.contains("apt-get install -y golang-1.19-go")
                    || name == "callgrind" && why.contains("valgrind"),
                "{id}: {name}: {why}"
            );
        }
    }
}

/// The smallest budget: the accounting lens's observed run is what counts.
fn accounting_budget() -> profile::Budget {
    profile::Budget {
        time_samples: 3,
        time_ms: 1,
        warmup_ms: 0,
        ..profile::Budget::default()
    }
}

/// The model's exact accounting of a cell's region.
fn model_accounting(cell: &MapCell) -> mapamp::accounting::Accounting {
    let spec = CellSpec::Map(cell.clone());
    let mut r = prepare_any::<Counting>(&spec).unwrap();
    let before = r.accounting().unwrap();
    r.run();
    r.accounting().unwrap().since(&before)
}

fn cell_of(profile_text: &str, id: &str) -> MapCell {
    let p = profile::parse("t.toml", "t", profile_text).unwrap();
    p.cells()
        .cells
        .into_iter()
        .find_map(|c| match c {
            CellSpec::Map(m) if m.id().as_str() == id => Some(m),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no cell {id}"))
}

/// Where Go's choices do not depend on its random hash seed, the bytes the
/// real classic map writes (derived from its structure changes) are the
/// model's, path by path: the overflow scenario (every write takes a fresh
/// overflow bucket of a known chain) and a presized assign region.
#[test]
fn derived_accounting_of_go_1_19_equals_the_models_where_go_is_deterministic() {
    if let Err(e) = toolchain::find(GoRelease::Go119) {
        skip("derived accounting against the model", &e);
        return;
    }
    let text = r#"
[axes]
scenario = ["overflow"]
variant = ["gomap", "go1.19"]
n = [2000]
keys = ["colliding"]
key_size = [8, 32]
value_size = [8, 64]
"#;
    let dir = scratch("derived");
    let budget = accounting_budget();
    for kv in ["k8v8", "k32v64"] {
        let model = model_accounting(&cell_of(
            text,
            &format!("overflow/gomap/go-default/n=2000/keys=colliding/{kv}"),
        ));
        let real_cell = cell_of(
            text,
            &format!("overflow/go1.19/go-default/n=2000/keys=colliding/{kv}"),
        );
        let g =
            mapamp::golang::figures::run_cell(&real_cell, &[LensKind::Accounting], &budget, &dir);
        let a = g
            .accounting
            .ok()
            .unwrap_or_else(|| panic!("{kv}: {:?}", g.accounting));
        assert_eq!(
            a.bytes_written, model.bytes_written,
            "{kv}: real (derived) vs model (exact)"
        );
        assert_eq!(a.overflow_fresh_taken, 2000, "{kv}");
        assert_eq!(a.payload_bytes, model.payload_bytes, "{kv}");
    }
}

/// The Swiss runtimes (go1.26, and go1.27 where its toolchain is here)
/// whose toolchain is found; the others say SKIPPED.
fn swiss_releases(what: &str) -> Vec<GoRelease> {
    [GoRelease::Go126, GoRelease::Go127]
        .into_iter()
        .filter(|&r| match toolchain::find(r) {
            Ok(_) => true,
            Err(e) => {
                skip(&format!("{what} on {r}"), &e);
                false
            }
        })
        .collect()
}

/// Where Go's choices do not depend on its random hash seed, the bytes the
/// real Swiss map writes (derived from its structure changes) are the
/// Swiss model's, path by path: a presized assign region, the small map's
/// move into a table, one table's doubling, and the split after the first
/// one (two tables at the global depth: whichever fills first splits and
/// doubles the directory). Inline and indirect keys (256 bytes) both.
#[test]
fn derived_accounting_of_the_swiss_runtime_equals_the_models_where_go_is_deterministic() {
    let releases = swiss_releases("Swiss derived accounting against the model");
    let text = r#"
[axes]
scenario = ["assign", "small_to_table", "table_grow", "table_split"]
variant = ["goswiss", "go1.26", "go1.27"]
n = [300, 897]
keys = ["random"]
key_size = [8, 32, 256]
value_size = [8, 64]
"#;
    let dir = scratch("derived-swiss");
    let budget = accounting_budget();
    let cases = [
        ("assign", 300, "assign"),
        ("small_to_table", 300, "small_to_table"),
        ("table_grow", 300, "table_grow"),
        ("table_split", 897, "table_split"),
    ];
    for release in releases {
        for (scenario, n, path) in cases {
            for kv in ["k8v8", "k32v64", "k256v8"] {
                let id = |v: &str| format!("{scenario}/{v}/go-default/n={n}/keys=random/{kv}");
                let model_cell = cell_of(text, &id("goswiss"));
                let model = model_accounting(&model_cell);
                let real_cell = cell_of(text, &id(release.name()));
                let g = mapamp::golang::figures::run_cell(
                    &real_cell,
                    &[LensKind::Accounting],
                    &budget,
                    &dir,
                );
                let what = id(release.name());
                let a = g
                    .accounting
                    .ok()
                    .unwrap_or_else(|| panic!("{what}: {:?}", g.accounting));
                assert_eq!(a.exactness, mapamp::accounting::Exactness::Derived);
                assert_eq!(
                    a.bytes_written, model.bytes_written,
                    "{what}: real (derived) vs model (exact)"
                );
                assert!(
                    a.bytes_written
                        .get(mapamp::accounting::CopyPath::from_name(path).unwrap())
                        > 0,
                    "{what}: nothing on {path}"
                );
                assert_eq!(a.payload_bytes, model.payload_bytes, "{what}");
                assert_eq!(a.entries_evacuated, model.entries_evacuated, "{what}");
                assert_eq!(a.model_allocations, model.model_allocations, "{what}");
                assert_eq!(
                    a.model_allocated_bytes,
                    Some(model.model_allocated_bytes),
                    "{what}"
                );
                let iso = a.isolation.as_ref().expect("an isolated scenario");
                assert_eq!(iso.path, path, "{what}");
                assert!(iso.share >= iso.target, "{what}: {iso:?}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where Go's random hash seed decides (when each table fills, hence when
/// it splits; which deletes leave tombstones, hence what churn reuses,
/// prunes or splits), the real Swiss map's derived bytes and the model's
/// agree within the seed-to-seed spread: for 10^5 random inserts into an
/// empty map, and 10^5 keys churned for 4 rounds, 8 observed regions of the
/// runtime (8 fresh maps, 8 seeds) and the model under 8 seeds: the write
/// amplifications of the two sides overlap and do not differ by rank
/// (Mann-Whitney p >= 0.001), and the assign bytes are the same in every
/// run. (Measured: inserts gave one WA for every seed on both sides; churn
/// spreads by about 0.1%, a rare seed 0.4%.)
#[test]
fn derived_swiss_accounting_agrees_with_the_model_within_the_seed_spread() {
    use mapamp::accounting::CopyPath;
    use mapamp::golang::{accounting, build, harness};
    let text = r#"
[axes]
scenario = ["insert", "churn"]
variant = ["goswiss", "go1.26", "go1.27"]
n = [100000]
keys = ["random"]
key_size = [8]
value_size = [8]
[budget]
churn_rounds = 4
"#;
    let dir = scratch("swiss-spread");
    let budget = accounting_budget();
    for scenario in ["insert", "churn"] {
        let id = |v: &str| format!("{scenario}/{v}/go-default/n=100000/keys=random/k8v8");
        let mut model_wa = Vec::new();
        let mut assign = std::collections::BTreeSet::new();
        for seed in 1..=8 {
            let mut cell = cell_of(text, &id("goswiss"));
            cell.seed = seed;
            let a = model_accounting(&cell);
            model_wa.push(a.write_amplification().unwrap());
            assign.insert(a.bytes_written.get(CopyPath::Assign));
        }
        let range = |v: &[f64]| {
            (
                v.iter().copied().fold(f64::INFINITY, f64::min),
                v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            )
        };
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        for release in swiss_releases("the Swiss seed spread") {
            let cell = cell_of(text, &id(release.name()));
            let tc = toolchain::find(release).unwrap();
            let bin = build::harness_binary(&tc).unwrap();
            let mut spec = harness::Spec::new(
                &cell,
                &[LensKind::Accounting],
                &budget,
                &dir.join("p.pb.gz"),
            )
            .unwrap();
            spec.accounting_runs = 8;
            let r = harness::run(&bin, &spec, &dir.join("spec.json"), &cell.go_runtime).unwrap();
            let mut real_wa = Vec::new();
            for o in r.accounting.iter().chain(&r.accounting_runs) {
                let d = accounting::derive(o, &cell).unwrap();
                assign.insert(d.bytes.get(CopyPath::Assign));
                real_wa.push(d.figures(&cell, r.units).write_amplification.unwrap());
            }
            assert_eq!(real_wa.len(), 8, "{release}");
            let (rlo, rhi) = range(&real_wa);
            let (mlo, mhi) = range(&model_wa);
            eprintln!(
            "{scenario} {release}: real WA {:.4} ({rlo:.4}-{rhi:.4}) {real_wa:?}, model WA {:.4} ({mlo:.4}-{mhi:.4})",
            mean(&real_wa),
            mean(&model_wa)
        );
            // The two samples overlap and a rank test finds no difference at
            // the 0.1% level (the runtime's seeds are random: an odd seed may
            // land outside the model's 8, as one did for churn on go1.27).
            let p = mapamp::stats::rank::mann_whitney_u(&real_wa, &model_wa)
                .unwrap()
                .p_value;
            assert!(
            rlo <= mhi + 1e-9 && mlo <= rhi + 1e-9 && p >= 0.001,
            "{scenario} {release}: Mann-Whitney p = {p:.2e}; real WA {real_wa:?}, model WA {model_wa:?}"
        );
        }
        assert_eq!(
            assign.len(),
            1,
            "{scenario}: assign bytes differ between runs: {assign:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
