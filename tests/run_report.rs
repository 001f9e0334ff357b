//! End to end: `mapamp run --profile smoke` writes a complete report, a
//! resumed run does no work, the HTML loads in a real browser, and
//! `mapamp compare` judges two tuning configurations inside the report.
//! One smoke run (about two minutes) is shared by the tests of this file.

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
        let dir = std::env::temp_dir().join(format!("mapamp-run-smoke-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = mapamp(&["run", "--profile", "smoke", "--out", dir.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

fn report() -> Value {
    serde_json::from_str(&std::fs::read_to_string(smoke_report().join("report.json")).unwrap())
        .unwrap()
}

#[test]
fn report_has_the_documented_shape() {
    let r = report();
    assert_eq!(r["schema_version"], 1);
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
    assert_eq!(cells.len(), 61);
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
            for p in mapamp::accounting::CopyPath::ALL.map(|p| p.name()) {
                assert!(a["bytes_written"][p].is_u64(), "{id}: bytes_written.{p}");
            }
        }
        assert!(l["time"]["ns_per_op"].as_f64().unwrap() > 0.0, "{id}");
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
        // io cells: a send is short and its setup (receiver, connection)
        // is not; on a loaded machine the sampler may see none of it.
        if id.starts_with("evacuate_same_size/") || id.starts_with("io/") {
            if let Some(reason) = l["flamegraph"]["unavailable"].as_str() {
                assert!(reason.contains("no samples"), "{id}: {reason}");
                continue;
            }
        }
        let svg_rel = l["flamegraph"]["svg"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: {}", l["flamegraph"]));
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

#[test]
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
    assert!(err.contains("61 cells (0 run now, 0 callgrind)"), "{err}");
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

#[test]
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
    let out_dir = std::env::temp_dir().join(format!(
        "mapamp-cmp-{}-{}",
        std::process::id(),
        a.len() * 7 + b.len()
    ));
    let _ = std::fs::remove_dir_all(&out_dir);
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

#[test]
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

#[test]
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
