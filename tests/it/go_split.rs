//! `go1.27split`: the real Go 1.27 runtime built with
//! `GOEXPERIMENT=mapsplitgroup`, a real-Go variant beside go1.19, go1.26 and
//! go1.27. Its cells run a harness built with the experiment (the runtime
//! says so in its version), and where its toolchain cannot be had its cells
//! are `unavailable` with the reason while the rest of the run goes on.

use mapamp::golang::toolchain::{self, GoRelease};
use mapamp::variants::Variant;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const PROFILE: &str = r#"
description = "go1.26 and go1.27split side by side"
[axes]
scenario = ["insert"]
variant = ["go1.26", "go1.27split"]
n = [2000]
keys = ["random"]
key_size = [8]
value_size = [8]
[configs.go-default]
[lenses]
enabled = ["accounting"]
[budget]
time_processes = 1
time_samples = 3
time_ms = 1
warmup_ms = 0
"#;

fn run(name: &str, env: &[(&str, &str)]) -> Value {
    let dir = crate::common::scratch(&format!("split-{name}"));
    let prof = dir.join("p.toml");
    std::fs::write(&prof, PROFILE).unwrap();
    let out_dir: PathBuf = dir.join("report");
    let mut c = Command::new(env!("CARGO_BIN_EXE_mapamp"));
    c.args(["run", "--profile"])
        .arg(&prof)
        .arg("--out")
        .arg(&out_dir);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("mapamp runs");
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn cell<'a>(r: &'a Value, variant: &str) -> &'a Value {
    r["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["axes"]["variant"] == variant)
        .unwrap_or_else(|| panic!("no {variant} cell in {}", r["cells"]))
}

#[test]
fn the_split_variant_is_a_real_go_release_with_the_experiment() {
    let v = Variant::parse("go1.27split").unwrap();
    assert_eq!(v.go_release(), Some(GoRelease::Go127Split));
    assert!(v.is_real_swiss() && Variant::REAL_GO.contains(&v));
    assert_eq!(GoRelease::Go127Split.goexperiment(), "mapsplitgroup");
    assert_eq!(GoRelease::Go127.goexperiment(), "");
}

#[test]
fn a_missing_go127_toolchain_makes_the_split_cells_unavailable_and_the_run_goes_on() {
    let r = run("missing", &[("MAPAMP_GO127", "/nonexistent/go")]);
    let split = cell(&r, "go1.27split");
    for name in ["accounting", "go_runtime"] {
        let why = split["lenses"][name]["unavailable"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {}", split["lenses"][name]));
        assert!(
            why.contains("go1.27split") && why.contains("GOTOOLCHAIN=go1.27.3"),
            "{name}: {why}"
        );
    }
    // The go1.26 cell of the same run is measured (where Go 1.26 is here).
    if toolchain::find(GoRelease::Go126).is_ok() {
        let a = &cell(&r, "go1.26")["lenses"]["accounting"];
        assert!(
            a["write_amplification"].as_f64().unwrap() > 1.0,
            "go1.26 accounting: {a}"
        );
    }
}

#[test]
fn split_cells_run_on_a_runtime_built_with_the_experiment() {
    if let Err(e) = toolchain::find(GoRelease::Go127Split) {
        eprintln!("SKIPPED go1.27split cells end to end: {e}");
        return;
    }
    let r = run("present", &[]);
    let split = cell(&r, "go1.27split");
    let g = &split["lenses"]["go_runtime"];
    // runtime.Version() names the experiments a binary was built with.
    assert_eq!(g["go_version"], "go1.27.3-X:mapsplitgroup", "{g}");
    assert_eq!(g["structure"]["design"], "swiss", "{g}");
    let a = &split["lenses"]["accounting"];
    // 8-byte keys and values: the split group has the interleaved one's
    // size, so the derived bytes equal go1.26's for the same key ids.
    let a26 = &cell(&r, "go1.26")["lenses"]["accounting"];
    if a26.get("unavailable").is_none() {
        assert_eq!(
            a["write_amplification"], a26["write_amplification"],
            "go1.27split {a}\ngo1.26 {a26}"
        );
    }
    assert!(a["write_amplification"].as_f64().unwrap() > 1.0, "{a}");
}
