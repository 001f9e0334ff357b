//! `mapamp live` end to end on the example service `go/cmd/mapdemo`: the
//! snapshot is read over HTTP (token enforced) and from a saved file, and
//! the hint the report prices for the service's unpresized map saves what
//! the service measures when rerun with that hint (runtime.MemStats), within
//! 5%. A Go toolchain that is not installed makes its part say SKIPPED with
//! the reason.

use mapamp::golang::toolchain::{self, GoRelease, Toolchain};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn skip(what: &str, why: impl std::fmt::Display) {
    eprintln!("SKIPPED {what}: {why}");
}

fn mapamp() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mapamp"))
}

/// Builds mapdemo with the toolchain into the test's scratch folder.
fn build_demo(tc: &Toolchain, release: GoRelease) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mapdemo-{release}"));
    let st = tc
        .command()
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("go"))
        .args(["build", "-trimpath", "-o"])
        .arg(&out)
        .arg("./cmd/mapdemo")
        .status()
        .unwrap();
    assert!(st.success(), "go build ./cmd/mapdemo with {}", tc.version);
    out
}

/// A running mapdemo, killed when dropped.
struct Demo {
    child: Child,
    first: Value,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(bin: &Path, args: &[&str]) -> Demo {
    let mut child = Command::new(bin)
        .args(args)
        .args(["-serve", "2m"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let first: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    Demo { child, first }
}

fn measure(bin: &Path, args: &[&str]) -> Value {
    let out = Command::new(bin)
        .args(args)
        .args(["-serve", "0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn live_json(args: &[&str]) -> Value {
    let out = mapamp()
        .arg("live")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mapamp live {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn map<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["maps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no map {name} in {report}"))
}

fn within(predicted: f64, measured: f64, pct: f64) -> bool {
    (predicted - measured).abs() <= pct / 100.0 * measured.abs()
}

const N: &str = "100000";

#[test]
fn live_predicts_what_a_hint_saves_on_the_example_service() {
    let mut ran = 0;
    for release in [GoRelease::Go126, GoRelease::Go119] {
        let tc = match toolchain::find(release) {
            Ok(tc) => tc,
            Err(e) => {
                skip(&format!("mapamp live on mapdemo built with {release}"), &e);
                continue;
            }
        };
        let bin = build_demo(&tc, release);
        let demo = start(&bin, &["-n", N, "-churn-steps", "1000"]);
        let url = demo.first["url"].as_str().unwrap().to_string();
        let report = live_json(&[&url]);
        let grown = map(&report, "grown");
        assert_eq!(grown["len"], 100000, "{grown}");
        assert_eq!(map(&report, "presized")["len"], 100000);
        let hinted = measure(&bin, &["-n", N, "-hint", N, "-churn-steps", "0"]);
        let measured_bytes = demo.first["fill"]["alloc_bytes"].as_f64().unwrap()
            - hinted["fill"]["alloc_bytes"].as_f64().unwrap();
        let measured_allocs = demo.first["fill"]["allocs"].as_f64().unwrap()
            - hinted["fill"]["allocs"].as_f64().unwrap();
        let predicted_bytes = grown["hint"]["allocated_bytes_saved"].as_f64().unwrap();
        let predicted_allocs = grown["hint"]["allocations_saved"].as_f64().unwrap();
        let written = grown["hint"]["bytes_written_saved"].as_f64().unwrap();
        eprintln!(
            "{}: a hint of {N} saves {measured_bytes:.0} allocated bytes and {measured_allocs:.1} allocations measured; \
             the model predicts {predicted_bytes} and {predicted_allocs} (and {written} bytes written)",
            tc.version
        );
        assert!(written > 0.0, "{grown}");
        assert!(
            within(predicted_bytes, measured_bytes, 5.0),
            "{}: predicted {predicted_bytes} allocated bytes saved, measured {measured_bytes}",
            tc.version
        );
        assert!(
            within(predicted_allocs, measured_allocs, 5.0),
            "{}: predicted {predicted_allocs} allocations saved, measured {measured_allocs}",
            tc.version
        );
        ran += 1;
    }
    if ran == 0 {
        skip("mapamp live prediction", "no Go toolchain found");
    }
}

#[test]
fn live_reads_a_guarded_endpoint_and_saved_snapshots() {
    let tc = match toolchain::find(GoRelease::Go126) {
        Ok(tc) => tc,
        Err(e) => return skip("mapamp live on a guarded endpoint", &e),
    };
    let bin = build_demo(&tc, GoRelease::Go126);
    let demo = start(
        &bin,
        &[
            "-n",
            "5000",
            "-reps",
            "1",
            "-churn-steps",
            "1000",
            "-token",
            "tok",
        ],
    );
    let url = demo.first["url"].as_str().unwrap();
    let out = mapamp()
        .args(["live", url])
        .env_remove("MAPDEBUG_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("401"),
        "{out:?}"
    );
    let out = mapamp()
        .args(["live", url, "--token", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("403"),
        "{out:?}"
    );

    let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join("live-snapshot.json");
    let from_url = live_json(&[url, "--token", "tok", "--save", saved.to_str().unwrap()]);
    let churn = map(&from_url, "churn");
    assert_eq!(churn["len"], 5000);
    assert!(churn["hook"]["writes"].as_u64().unwrap() >= 1000, "{churn}");
    let from_file = live_json(&[saved.to_str().unwrap()]);
    assert_eq!(from_file["maps"], from_url["maps"]);

    let text = mapamp()
        .args(["live", saved.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("grown")
            && text.contains("hint: make(map, 5000), where it was made without one, saves"),
        "{text}"
    );

    std::fs::write(
        &saved,
        "{\"schema\":\"other/1\",\"go_version\":\"go1.26\",\"maps\":[]}",
    )
    .unwrap();
    let out = mapamp()
        .args(["live", saved.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("mapamp.mapdebug/1"),
        "{out:?}"
    );
    let out = mapamp()
        .args(["live", "https://127.0.0.1/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_file(&saved).ok();
}

/// `mapamp probe` on a Go program that knows how many writes its function
/// makes: exactly that count attributed to it (start-up writes go to
/// other callers), the probes removed afterwards. Needs root and tracefs
/// (`.ci/run` mounts it where allowed); otherwise probe must say
/// `unavailable` with exit code 3, which is checked instead.
#[test]
fn probe_counts_a_programs_writes_exactly() {
    let tc = match toolchain::find(GoRelease::Go126) {
        Ok(tc) => tc,
        Err(e) => return skip("mapamp probe", &e),
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("probe-prog");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.go"),
        r#"package main

import (
	"fmt"
	"os"
	"strconv"
)

//go:noinline
func fill(m map[uint64]uint64, n int) {
	for i := 0; i < n; i++ {
		m[uint64(i)*0x9E3779B97F4A7C15] = 1
	}
}

//go:noinline
func names(m map[string]int, n int) {
	for i := 0; i < n; i++ {
		m[strconv.Itoa(i)] = i
	}
}

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	m := map[uint64]uint64{}
	fill(m, n)
	s := map[string]int{}
	names(s, n/10)
	fmt.Println(len(m), len(s))
}
"#,
    )
    .unwrap();
    std::fs::write(dir.join("go.mod"), "module probeprog\n\ngo 1.19\n").unwrap();
    let bin = dir.join("prog");
    let st = tc
        .command()
        .current_dir(&dir)
        .args(["build", "-trimpath", "-o"])
        .arg(&bin)
        .arg(".")
        .status()
        .unwrap();
    assert!(st.success());
    let out = mapamp()
        .args(["probe", "--runs", "2", "--json", "--"])
        .arg(&bin)
        .arg("12345")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        assert!(
            stderr.contains("unavailable") && stderr.contains("enable with"),
            "{stderr}"
        );
        return skip("mapamp probe counts", &stderr);
    }
    assert!(out.status.success(), "{stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = |sym: &str| {
        r["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["symbol"] == sym)
            .unwrap_or_else(|| panic!("no {sym} in {r}"))
            .clone()
    };
    let a64 = f("runtime.mapassign_fast64");
    assert_eq!(a64["by_caller"]["main.fill"], 12345, "{a64}");
    assert!(a64["total"].as_u64().unwrap() >= 12345, "{a64}");
    assert!(a64["recorded"].as_u64().unwrap() >= 12345, "{a64}");
    assert_eq!(
        f("runtime.mapassign_faststr")["by_caller"]["main.names"],
        1234
    );
    let grows = f("internal/runtime/maps.(*table).grow");
    assert!(grows["total"].as_u64().unwrap() > 0, "{grows}");
    assert!(r["cost"]["ns_per_hit"].as_f64().is_some(), "{r}");
    let events = std::fs::read_to_string("/sys/kernel/tracing/uprobe_events").unwrap_or_default();
    assert!(
        !events.contains("mapamp_probe_"),
        "probes left behind: {events}"
    );

    let out = mapamp()
        .args(["probe", "--", "/nonexistent/prog"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
