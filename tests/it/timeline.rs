//! The write timeline (issue 19 item 3), end to end on a `smoke` run with
//! the accounting lens (whose process also records the timeline):
//! every whole-workload cell's `trace.json` is a valid Chrome trace (parsed
//! here with this file's own schema of the Trace Event Format, not the
//! writer's types) holding one complete event per recorded operation and
//! one growth span per growth the accounting lens counted; its bytes add up
//! to the accounting lens's; the SVG timeline (file and inline in
//! `index.html`) has one shaded rect per growth span; a small
//! `budget.timeline_writes` truncates, and says so.

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The Trace Event Format's JSON Object Format, as far as a viewer needs it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TraceFile {
    trace_events: Vec<Event>,
    display_time_unit: String,
    #[serde(default)]
    other_data: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Event {
    name: String,
    #[serde(default)]
    cat: Option<String>,
    ph: String,
    #[serde(default)]
    ts: Option<f64>,
    #[serde(default)]
    dur: Option<f64>,
    pid: u64,
    tid: u64,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    s: Option<String>,
    #[serde(default)]
    args: Map<String, Value>,
}

fn mapamp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args(args)
        .output()
        .expect("mapamp runs")
}

fn run(name: &str, profile: &str, cells: Option<&str>) -> PathBuf {
    let dir = crate::common::scratch(&format!("timeline-{name}")).join("report");
    let mut args = vec![
        "run",
        "--profile",
        profile,
        "--lenses",
        "accounting",
        "--out",
        dir.to_str().unwrap(),
    ];
    if let Some(c) = cells {
        args.extend(["--cells", c]);
    }
    let out = mapamp(&args);
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// `smoke`'s map cells with the accounting lens, run once for this file.
fn smoke() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| run("smoke", "smoke", None))
}

fn report(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

fn is_whole_workload(scenario: &str) -> bool {
    matches!(scenario, "insert" | "churn" | "update")
}

/// Checks one cell's trace against its report; returns the growth count.
fn check_trace(dir: &Path, cell: &Value) -> usize {
    let id = cell["id"].as_str().unwrap();
    let t = &cell["lenses"]["timeline"];
    let path = dir.join(t["trace"].as_str().unwrap());
    let trace: TraceFile = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| {
            panic!(
                "{}: not a trace in the expected format: {e}",
                path.display()
            )
        });
    assert!(["ms", "ns"].contains(&trace.display_time_unit.as_str()));
    assert_eq!(trace.other_data["cell"], id);
    // Metadata names the process after the cell and both threads.
    let meta: Vec<&Event> = trace.trace_events.iter().filter(|e| e.ph == "M").collect();
    assert!(meta
        .iter()
        .any(|e| e.name == "process_name" && e.args["name"] == id));
    assert_eq!(
        meta.iter().filter(|e| e.name == "thread_name").count(),
        2,
        "{id}"
    );
    // Every other event has a timestamp, in order, and a known phase.
    let timed: Vec<&Event> = trace.trace_events.iter().filter(|e| e.ph != "M").collect();
    let mut last = f64::NEG_INFINITY;
    for e in &timed {
        let ts =
            e.ts.unwrap_or_else(|| panic!("{id}: {} without ts", e.name));
        assert!(
            ts.is_finite() && ts >= last,
            "{id}: ts not monotone at {}",
            e.name
        );
        last = ts;
        assert!(
            ["X", "b", "e", "i"].contains(&e.ph.as_str()),
            "{id}: ph {}",
            e.ph
        );
        assert_eq!(e.pid, 1);
    }
    // One complete event per recorded operation, durations ≥ 0, bytes per
    // path that add up to the event's total and, over the region, to the
    // accounting lens's bytes.
    let ops: Vec<&Event> = timed.iter().copied().filter(|e| e.ph == "X").collect();
    assert_eq!(
        ops.len() as u64,
        t["ops_recorded"].as_u64().unwrap(),
        "{id}"
    );
    let mut per_path: BTreeMap<String, u64> = BTreeMap::new();
    for e in &ops {
        assert!(e.name == "write" || e.name == "delete", "{id}: {}", e.name);
        assert!(e.dur.unwrap() >= 0.0);
        assert_eq!(e.tid, 1);
        let total = e.args["total_bytes"].as_u64().unwrap();
        let mut sum = 0;
        for (k, v) in &e.args {
            if k != "total_bytes" {
                sum += v.as_u64().unwrap();
                *per_path.entry(k.clone()).or_default() += v.as_u64().unwrap();
            }
        }
        assert_eq!(sum, total, "{id}");
    }
    let acc = &cell["lenses"]["accounting"];
    let truncated = t["truncated"].as_bool().unwrap();
    if !truncated {
        assert_eq!(t["ops_recorded"], t["ops_in_region"]);
        for (path, bytes) in acc["bytes_written"].as_object().unwrap() {
            assert_eq!(
                per_path.get(path).copied().unwrap_or(0),
                bytes.as_u64().unwrap(),
                "{id}: {path}"
            );
        }
    }
    // One growth span (a b/e pair with one id) per growth.
    let begins: Vec<&Event> = timed.iter().copied().filter(|e| e.ph == "b").collect();
    let ends: Vec<&Event> = timed.iter().copied().filter(|e| e.ph == "e").collect();
    assert_eq!(begins.len(), ends.len(), "{id}");
    for b in &begins {
        assert_eq!(b.cat.as_deref(), Some("growth"));
        let e = ends
            .iter()
            .find(|e| e.id == b.id && e.cat == b.cat)
            .unwrap_or_else(|| panic!("{id}: growth {:?} has no end", b.id));
        assert!(e.ts.unwrap() >= b.ts.unwrap());
    }
    let growths = begins.len();
    assert_eq!(growths, t["growths"].as_array().unwrap().len());
    if !truncated {
        let counted =
            acc["doubling_grows"].as_u64().unwrap() + acc["same_size_grows"].as_u64().unwrap();
        assert_eq!(
            growths as u64, counted,
            "{id}: spans vs growths the accounting lens counted"
        );
    }
    for e in timed.iter().filter(|e| e.ph == "i") {
        assert_eq!(e.s.as_deref(), Some("t"));
        assert!(e.args["count"].as_u64().unwrap() > 0);
    }
    growths
}

#[test]
fn every_whole_workload_cell_has_a_valid_trace_and_timeline() {
    let dir = smoke();
    let r = report(dir);
    let mut whole = 0;
    let mut all_growths = 0;
    let mut classic_evacuations = 0;
    for cell in r["cells"].as_array().unwrap() {
        let scenario = cell["axes"]["scenario"].as_str().unwrap_or("");
        let t = &cell["lenses"]["timeline"];
        if !is_whole_workload(scenario) {
            assert!(
                t.is_null(),
                "{}: a timeline on a non-whole-workload cell",
                cell["id"]
            );
            continue;
        }
        whole += 1;
        assert!(
            t["ops_recorded"].as_u64().unwrap() > 0,
            "{}: {t}",
            cell["id"]
        );
        let growths = check_trace(dir, cell);
        all_growths += growths;
        let axes = &cell["axes"];
        if axes["variant"] == "gomap" && scenario == "insert" && axes["config"] == "go-default" {
            assert!(
                growths > 0,
                "an insert of 2048 keys grows an unsized classic map"
            );
            classic_evacuations += t["evacuation_steps"].as_u64().unwrap();
        }
        // The SVG file: one shaded rect per growth span.
        let svg = std::fs::read_to_string(dir.join(t["svg"].as_str().unwrap())).unwrap();
        assert!(svg.starts_with("<svg"));
        assert_eq!(
            svg.matches("class=\"growth-span\"").count(),
            growths,
            "{}",
            cell["id"]
        );
    }
    assert_eq!(
        whole,
        3 * 5 * 2,
        "smoke: insert, churn, update × 5 variants × 2 configs"
    );
    assert!(all_growths > 0);
    assert!(classic_evacuations > 0);
    // index.html draws every timeline inline: as many spans as the traces.
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert_eq!(html.matches("class=\"growth-span\"").count(), all_growths);
    assert_eq!(html.matches("<title id=\"timeline-").count(), whole);
}

#[test]
fn a_small_budget_truncates_and_says_so() {
    let dir = crate::common::scratch("timeline-profile");
    let profile = dir.join("tiny.toml");
    std::fs::write(
        &profile,
        r#"description = "timeline truncation"
[axes]
scenario = ["insert"]
variant = ["gomap"]
n = [2048]
keys = ["random"]
key_size = [8]
value_size = [8]
[configs.go-default]
description = "Go's knobs"
[lenses]
enabled = ["accounting"]
[budget]
timeline_writes = 100
"#,
    )
    .unwrap();
    let out = run("tiny", profile.to_str().unwrap(), None);
    let r = report(&out);
    let cell = &r["cells"][0];
    let t = &cell["lenses"]["timeline"];
    assert_eq!(t["ops_recorded"], 100, "{t}");
    assert_eq!(t["ops_in_region"], 2048, "{t}");
    assert_eq!(t["truncated"], true);
    check_trace(&out, cell);
    let svg = std::fs::read_to_string(out.join(t["svg"].as_str().unwrap())).unwrap();
    assert!(
        svg.contains("Truncated: the first 100 of the region&#39;s 2048 operations"),
        "{svg}"
    );
    let _ = std::fs::remove_dir_all(&out);

    // Out of range: a clear error naming the field, exit code 2.
    std::fs::write(
        &profile,
        std::fs::read_to_string(&profile)
            .unwrap()
            .replace("timeline_writes = 100", "timeline_writes = -5"),
    )
    .unwrap();
    let o = mapamp(&["profile", "check", profile.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("budget.timeline_writes"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
