//! End to end: `mapamp run --profile smoke` writes a complete report (time
//! from several interleaved processes per cell, a measured noise floor,
//! flame graphs with their sampler), a resumed run does no work, the HTML
//! loads in a real browser, and `mapamp compare` judges two tuning
//! configurations inside the report: the CI gate passes a change that made
//! nothing worse and fails the reverse. One smoke run (a minute and a half
//! to two minutes) is shared by the checks of this file, which run as one
//! test, [`the_smoke_run_end_to_end`].

use crate::common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn mapamp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args(args)
        .output()
        .expect("mapamp runs")
}

/// The smoke report, produced once.
fn smoke_report() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = crate::common::scratch("run-smoke").join("report");
        let out = mapamp(&["run", "--profile", "smoke", "--out", dir.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

/// Every check of this file on the one smoke run, as one test. As separate
/// tests they each waited for the run, so every test thread sat waiting while
/// it ran (libtest starts tests in name order, and these names are
/// adjacent); as one test they hold one thread, and the others run the rest
/// of the suite beside the run. (The file is `e2e.rs`, early in that order,
/// so that the run starts early.) Every check runs even when one fails; the
/// failure names them all, each check's own panic message is printed above.
#[test]
fn the_smoke_run_end_to_end() {
    // Outside the checks: a failed run fails at once instead of once per check.
    smoke_report();
    // Each check with its own name, for the list of failures.
    macro_rules! checks {
        ($($check:ident),* $(,)?) => {
            [$((stringify!($check), $check as fn())),*]
        };
    }
    let checks = checks![
        report_has_the_documented_shape,
        resuming_a_finished_run_does_no_work,
        the_html_report_loads_in_a_browser,
        presized_beats_go_default_where_a_hint_matters,
        the_gate_fails_only_when_b_is_worse,
        the_smoke_gate_passes_presizing_and_fails_its_reverse,
        metrics_prom_of_a_run_parses_and_holds_every_cell,
        findings_cover_every_whole_workload,
    ];
    let failed: Vec<&str> = checks
        .iter()
        .filter_map(|&(name, check)| {
            eprintln!("check: {name}");
            std::panic::catch_unwind(check).is_err().then_some(name)
        })
        .collect();
    assert!(failed.is_empty(), "failed checks: {failed:?}");
}

fn report() -> Value {
    serde_json::from_str(&std::fs::read_to_string(smoke_report().join("report.json")).unwrap())
        .unwrap()
}

fn report_has_the_documented_shape() {
    let r = report();
    assert_eq!(r["schema_version"], 2);
    let schedule = &r["run"]["schedule"];
    assert_eq!(schedule["time_processes"], 6);
    assert_eq!(schedule["order"], "interleaved");
    assert!(schedule["seed"].is_u64());
    // The noise floor is measured (a figure, not a default), with its method.
    let noise = &r["noise"];
    let floor = noise["floor"].as_f64().unwrap_or_else(|| panic!("{noise}"));
    assert!(floor > 0.0 && floor.is_finite(), "{noise}");
    assert!(noise["cells"].as_u64().unwrap() >= 40, "{noise}");
    assert!(
        noise["method"].as_str().unwrap().contains("halves")
            || noise["method"].as_str().unwrap().contains("even and odd")
    );
    // smoke keeps assign/overflow presized cells as A/A controls: their
    // pairs are tested, and the count of false differences is recorded.
    let pairs = noise["identical_pairs"].as_array().unwrap();
    assert!(pairs.len() >= 4, "{noise}");
    assert!(noise["false_differences"].as_u64().unwrap() <= pairs.len() as u64);
    for key in [
        "cpu_model",
        "cores",
        "memory_bytes",
        "kernel",
        "pmu",
        "valgrind",
    ] {
        assert!(!r["machine"][key].is_null(), "machine.{key}");
    }
    assert!(r["toolchain"]["rustc"]
        .as_str()
        .unwrap()
        .starts_with("rustc"));
    let cells = r["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 76);
    for c in cells {
        let id = c["id"].as_str().unwrap();
        let l = &c["lenses"];
        if id.starts_with("io/") {
            let io = &l["io"];
            assert!(
                io["verification"].as_str().unwrap().contains("xxh3-64"),
                "{id}: {io}"
            );
            assert_eq!(io["delivered_bytes"], io["file_bytes"], "{id}");
            assert!(io["copies"]["steps"].as_array().unwrap().len() == 5, "{id}");
            assert!(l["accounting"]["skipped"].is_string(), "{id}");
        } else if !id.starts_with("locate/") {
            let a = &l["accounting"];
            assert!(a.get("write_amplification").is_some(), "{id}");
            // The classic paths are always written (their records keep
            // their shape); the Swiss map's only when not zero, and only
            // by a variant that can take them.
            let variant = mapamp::variants::Variant::parse(id.split('/').nth(1).unwrap()).unwrap();
            for p in mapamp::accounting::CopyPath::ALL {
                let bytes = &a["bytes_written"][p.name()];
                if mapamp::accounting::CopyPath::CLASSIC.contains(&p) {
                    assert!(bytes.is_u64(), "{id}: bytes_written.{p}");
                } else if variant.copy_paths().contains(&p) {
                    assert!(
                        bytes.is_null() || bytes.as_u64() > Some(0),
                        "{id}: bytes_written.{p}"
                    );
                } else {
                    assert!(bytes.is_null(), "{id}: bytes_written.{p} on {variant}");
                }
            }
        }
        assert!(l["time"]["ns_per_op"].as_f64().unwrap() > 0.0, "{id}");
        // Six processes, each with its index, its slot and its samples.
        let procs = l["time"]["processes"].as_array().unwrap();
        assert_eq!(procs.len(), 6, "{id}");
        for (k, p) in procs.iter().enumerate() {
            assert_eq!(p["process"], k, "{id}");
            let samples = p["samples_ns_per_op"].as_array().unwrap();
            assert!(!samples.is_empty(), "{id}");
            assert_eq!(samples.len(), p["reference_ns"].as_array().unwrap().len());
        }
        assert!(
            l["time"]["vs_reference"]["ratio"].as_f64().unwrap() > 0.0,
            "{id}"
        );
        assert_eq!(
            l["latency"]["processes"].as_array().unwrap().len(),
            6,
            "{id}"
        );
        if id.starts_with("assign/") && id.contains("/presized/") {
            assert!(
                c["same_setup_as"]["cell"]
                    .as_str()
                    .unwrap()
                    .contains("/go-default/"),
                "{id}"
            );
        }
        assert!(
            l["callgrind"]["ir"].as_u64().unwrap() > 0,
            "{id}: callgrind {}",
            l["callgrind"]
        );
        assert_eq!(l["callgrind"]["cache_misses"]["source"], "callgrind-sim");
        // Counters: a value or a reason, never a bare zero.
        for (name, counter) in l["counters"].as_object().unwrap() {
            let value = counter.get("value").is_some()
                && counter.get("source").is_some()
                && counter.get("unit").is_some();
            let reason = counter["unavailable"]
                .as_str()
                .is_some_and(|s| !s.is_empty());
            assert!(value ^ reason, "{id}: counter {name} = {counter}");
        }
        // A valid SVG with at least one frame, except where the region is
        // a sliver of a setup-heavy cell (one same-size evacuation after
        // long churn): there the lens says the sampler saw nothing.
        // io cells: a send is mostly kernel work and its setup (receiver,
        // connection) is not sampled; below the lens's minimum the lens
        // says how many samples it got and needed, and a graph it does
        // present has at least that minimum.
        if id.starts_with("evacuate_same_size/") || id.starts_with("io/") {
            if let Some(reason) = l["flamegraph"]["unavailable"].as_str() {
                assert!(
                    reason.contains("no samples")
                        || (id.starts_with("io/") && reason.contains("needed")),
                    "{id}: {reason}"
                );
                assert!(
                    !smoke_report()
                        .join("cells")
                        .join(id)
                        .join("flamegraph.svg")
                        .exists(),
                    "{id}: an unavailable flame graph left its SVG"
                );
                continue;
            }
        }
        if id.starts_with("io/") {
            assert_eq!(l["flamegraph"]["too_few_samples"], false, "{id}");
        }
        let svg_rel = l["flamegraph"]["svg"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: {}", l["flamegraph"]));
        let sampler = l["flamegraph"]["sampler"].as_str().unwrap();
        assert!(
            sampler.starts_with("perf_event") || sampler.starts_with("setitimer"),
            "{id}: {sampler}"
        );
        let svg = std::fs::read_to_string(smoke_report().join(svg_rel)).unwrap();
        assert!(
            svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
            "{id}: not an SVG"
        );
        assert!(
            svg.contains("measured_region"),
            "{id}: flame graph has no frame"
        );
        for f in ["folded", "pprof"] {
            assert!(
                smoke_report()
                    .join(l["flamegraph"][f].as_str().unwrap())
                    .is_file(),
                "{id}: {f}"
            );
        }
    }
}

fn resuming_a_finished_run_does_no_work() {
    let dir = smoke_report();
    let before = std::fs::read_to_string(
        dir.join("cells/assign/gomap/go-default/n=2048/keys=random/k8v8/cell.json"),
    )
    .unwrap();
    let out = mapamp(&[
        "run",
        "--profile",
        "smoke",
        "--out",
        dir.to_str().unwrap(),
        "--resume",
    ]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("76 cells (0 run now, 0 time processes, 0 callgrind)"),
        "{err}"
    );
    let after = std::fs::read_to_string(
        dir.join("cells/assign/gomap/go-default/n=2048/keys=random/k8v8/cell.json"),
    )
    .unwrap();
    assert_eq!(before, after);
    // Without --resume the folder is not overwritten.
    let out = mapamp(&["run", "--profile", "smoke", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume"));
}

fn the_html_report_loads_in_a_browser() {
    if !Path::new("/usr/bin/chromium").exists() {
        eprintln!("SKIPPED: /usr/bin/chromium is not installed (apt-get install -y chromium); .ci/run installs it");
        return;
    }
    let out = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/check-html.py"
        ))
        .arg(smoke_report())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("result: PASS"), "{text}");
}

fn compare(a: &str, b: &str, extra: &[&str]) -> (i32, Value) {
    let dir = smoke_report();
    // One folder per call: several checks compare the same pairs.
    let out_dir = crate::common::scratch("cmp").join("out");
    let sa = format!("{}#{a}", dir.display());
    let sb = format!("{}#{b}", dir.display());
    let mut args = vec![
        "compare",
        sa.as_str(),
        sb.as_str(),
        "--out",
        out_dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = mapamp(&args);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "compare failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("compare.json")).unwrap())
            .unwrap();
    (code, json)
}

fn verdicts(cmp: &Value, cell_prefix: &str, metric: &str) -> Vec<String> {
    cmp["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"].as_str().unwrap().starts_with(cell_prefix))
        .flat_map(|c| {
            c["rows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["metric"] == metric)
                .map(|m| m["verdict"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn presized_beats_go_default_where_a_hint_matters() {
    let (code, cmp) = compare("config=go-default", "config=presized", &[]);
    assert_eq!(code, 0);
    for v in ["gomap", "gomap-slab", "gomap-inline", "hashbrown"] {
        let prefix = format!("insert/{v}/");
        assert_eq!(
            verdicts(&cmp, &prefix, "write_amplification"),
            vec!["better"],
            "{prefix}"
        );
        if v != "hashbrown" {
            assert_eq!(
                verdicts(&cmp, &prefix, "bytes.evacuate_double"),
                vec!["better"],
                "{prefix}"
            );
        }
        // assign presizes to 4N whatever the configuration: a hint changes nothing.
        let prefix = format!("assign/{v}/");
        for m in ["write_amplification", "bytes_per_op", "ir_per_op"] {
            assert_eq!(verdicts(&cmp, &prefix, m), vec!["same"], "{prefix} {m}");
        }
    }
}

fn the_gate_fails_only_when_b_is_worse() {
    let metrics = [
        "--metric",
        "write_amplification,bytes_per_op",
        "--fail-on-regression",
        "1",
    ];
    let (worse_b, _) = compare("config=presized", "config=go-default", &metrics);
    assert_eq!(
        worse_b, 1,
        "B (go-default) is worse than A (presized) on insert cells"
    );
    let (worse_a, _) = compare("config=go-default", "config=presized", &metrics);
    assert_eq!(worse_a, 0, "A is the worse side: no regression");
}

/// The CI gate of issue 14: presizing made nothing worse, so the gate
/// passes; the reverse direction finds real regressions (bytes and WA of
/// the insert cells) and fails. On the exact metrics only: a time or
/// latency verdict is a measurement of this machine at this hour, not a
/// property of the code a test can pin (in one run here, 2026-12-06, the
/// p99 latency of a goswiss `evacuate_double` cell came out 37% "worse").
fn the_smoke_gate_passes_presizing_and_fails_its_reverse() {
    let gate = [
        "--metric",
        "write_amplification,bytes_per_op,ir_per_op,allocations",
        "--fail-on-regression",
        "5",
    ];
    let (forward, cmp) = compare("config=go-default", "config=presized", &gate);
    assert_eq!(forward, 0, "{}", cmp["gate"]);
    let (reverse, cmp) = compare("config=presized", "config=go-default", &gate);
    assert_eq!(reverse, 1);
    let regressions = cmp["gate"]["regressions"].as_array().unwrap();
    assert!(
        regressions
            .iter()
            .any(|r| r["metric"] == "write_amplification"
                && r["cell"].as_str().unwrap().starts_with("insert/")),
        "{regressions:?}"
    );
}

/// The smoke run's `metrics.prom` passes the Prometheus text parser and
/// agrees with report.json cell by cell (scripts/check-metrics.py).
fn metrics_prom_of_a_run_parses_and_holds_every_cell() {
    common::check_metrics(smoke_report());
}

/// The report opens with findings for every whole workload of smoke, each
/// non-baseline configuration judged against go-default.
fn findings_cover_every_whole_workload() {
    let r = report();
    let f = &r["findings"];
    assert_eq!(f["baseline"], "go-default");
    let names: Vec<&str> = f["workloads"]
        .as_array()
        .unwrap_or_else(|| panic!("{f}"))
        .iter()
        .map(|w| w["workload"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["insert", "churn", "update"]);
    for w in f["workloads"].as_array().unwrap() {
        for row in w["rows"].as_array().unwrap() {
            let judged = !row["vs_baseline"].is_null();
            assert_eq!(judged, row["config"] != "go-default", "{row}");
            if judged {
                let v = &row["vs_baseline"];
                assert!(
                    ["faster", "slower", "same"].contains(&v["time_verdict"].as_str().unwrap()),
                    "{v}"
                );
                assert!(v["p_value"].as_f64().is_some(), "{v}");
                assert!(
                    v["sentence"].as_str().unwrap().contains(" vs go-default ("),
                    "{v}"
                );
            }
        }
    }
    let summary = std::fs::read_to_string(smoke_report().join("summary.md")).unwrap();
    assert!(summary.find("## Findings").unwrap() < summary.find("## How far to trust").unwrap());
}
