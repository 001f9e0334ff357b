//! `mapamp run` with io cells whose path fails (the receiver's port is in
//! use): that cell's lenses are unavailable with the reason, the other
//! cells run, the run succeeds, and nothing of the run listens afterwards.

use mapamp::scenario::io::sink::listening_on;
use serde_json::Value;
use std::process::Command;

#[test]
fn a_failing_io_path_makes_its_lenses_unavailable_and_the_run_goes_on() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let dir = crate::common::scratch("io-run");
    let profile = dir.join("busy.toml");
    std::fs::write(
        &profile,
        format!(
            r#"description = "an io cell on a busy port, beside a map cell"
[axes]
scenario = ["insert"]
variant = ["gomap"]
n = [256]
keys = ["random"]
key_size = [8]
value_size = [8]
[io]
path = ["sendfile"]
file_size = ["64KiB"]
buffer_size = ["64KiB"]
port = {port}
[lenses]
enabled = ["accounting", "time", "latency", "counters"]
[budget]
time_samples = 3
time_ms = 50
warmup_ms = 1
"#
        ),
    )
    .unwrap();
    let out_dir = dir.join("report");
    let out = Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args([
            "run",
            "--profile",
            profile.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
            .unwrap();
    let cells = r["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 2);
    let map = &cells[0];
    assert!(map["lenses"]["time"]["ns_per_op"].as_f64().unwrap() > 0.0);
    let io = &cells[1];
    assert_eq!(io["id"], "io/sendfile/warm/size=64KiB/buf=64KiB/tcp");
    for lens in ["io", "time", "latency", "counters", "accounting"] {
        let why = io["lenses"][lens]["unavailable"]
            .as_str()
            .unwrap_or_else(|| panic!("{lens}: {}", io["lenses"][lens]));
        assert!(
            why.contains(&format!("127.0.0.1:{port}")) && why.contains("in use"),
            "{lens}: {why}"
        );
    }
    let summary = std::fs::read_to_string(out_dir.join("summary.md")).unwrap();
    assert!(summary.contains("I/O copy paths"), "{summary}");
    drop(busy);
    assert!(!listening_on(port).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}
