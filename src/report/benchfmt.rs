//! `bench.txt`: a run in the Go benchmark data format
//! (golang.org/design/14313-benchmark-format), so `benchstat` and the rest
//! of Go's benchmark tooling read mapamp's cells — the model's and the real
//! runtime's alike.
//!
//! ```text
//! goos: linux
//! goarch: amd64
//! pkg: mapamp
//! cpu: Intel(R) Xeon(R) ...
//! mapamp-profile: go
//! Unit WA assume=exact
//! ...
//! BenchmarkInsert/variant=go1.19/config=presized/n=16384/keys=random/kv=k8v8 16384 61.2 ns/op 9.13 B/op 0.004 allocs/op 17.0 wrote-B/op 1.06 WA ...
//! ```
//!
//! One line per cell. Its name is the scenario (`Insert`,
//! `EvacuateDouble`, ...) and the cell's axes as `/key=value`
//! sub-benchmark parts (benchstat's `-col /variant`, `-row /n` select
//! them); the iteration count is the region's operations. Values:
//!
//! | unit | what | exact |
//! |---|---|---|
//! | `ns/op` | median wall-clock ns per operation (time lens) | no |
//! | `B/op`, `allocs/op` | heap bytes and allocations per operation: measured by the Go runtime for real-Go cells (mean over regions), predicted by the model's allocation accounting for model cells | no |
//! | `wrote-B/op` | bytes the map wrote per operation (accounting lens) | yes |
//! | `WA` | write amplification | yes |
//! | `<path>-B/op` | bytes written per operation along one copy path | yes |
//! | `p99-ns` | 99th percentile of one operation's latency | no |
//! | `Ir/op` | callgrind instructions per operation | yes |
//! | `gc-cycles/op` | collections per operation (real-Go cells) | no |
//!
//! The exact units carry `Unit <unit> assume=exact` lines: benchstat then
//! reports them as single figures, not as a distribution. Missing figures
//! are left out, never written as 0.

use super::schema::{CellReport, Report};
use crate::accounting::CopyPath;
use std::fmt::Write;

/// File name of the benchmark-format rendering inside a report folder.
pub const BENCH_TXT: &str = "bench.txt";

/// Units whose figures are exact (the same on every run of the same build).
fn exact_units() -> Vec<String> {
    let mut v = vec![
        "wrote-B/op".to_string(),
        "WA".to_string(),
        "Ir/op".to_string(),
    ];
    v.extend(CopyPath::ALL.map(|p| format!("{}-B/op", p.name())));
    v
}

/// The report in the Go benchmark data format.
pub fn bench_txt(r: &Report) -> String {
    let mut out = String::new();
    let (goos, goarch) = go_platform(&r.toolchain.target);
    let _ = writeln!(out, "goos: {goos}");
    let _ = writeln!(out, "goarch: {goarch}");
    let _ = writeln!(out, "pkg: mapamp");
    let _ = writeln!(out, "cpu: {}", one_line(&r.machine.cpu_model));
    let _ = writeln!(out, "mapamp-profile: {}", one_line(&r.run.profile));
    let _ = writeln!(out, "mapamp-run: {}", one_line(&r.run.name));
    for u in exact_units() {
        let _ = writeln!(out, "Unit {u} assume=exact");
    }
    for c in &r.cells {
        let values = values(c);
        if values.is_empty() {
            continue;
        }
        let _ = write!(out, "{} {}", name(c), c.ops.max(1));
        for (v, unit) in values {
            let _ = write!(out, " {} {unit}", number(v));
        }
        out.push('\n');
    }
    out
}

/// `Benchmark<Scenario>/key=value/...` for a cell.
pub fn name(c: &CellReport) -> String {
    let a = &c.axes;
    let scenario: String = a
        .scenario
        .split('_')
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    if a.scenario == "locate" {
        format!(
            "Benchmark{scenario}/hash={}/index={}/n={}/keys={}/m={}",
            a.variant,
            a.config,
            a.n,
            a.keys,
            a.buckets.unwrap_or(0)
        )
    } else {
        format!(
            "Benchmark{scenario}/variant={}/config={}/n={}/keys={}/kv=k{}v{}",
            a.variant, a.config, a.n, a.keys, a.key_size, a.value_size
        )
    }
}

/// The cell's figures as (value, unit), in the table's order.
fn values(c: &CellReport) -> Vec<(f64, String)> {
    let l = &c.lenses;
    let ops = c.ops.max(1) as f64;
    let mut v = Vec::new();
    if let Some(t) = l.time.ok() {
        v.push((t.ns_per_op, "ns/op".to_string()));
    }
    if let Some(g) = l.go_runtime.ok() {
        v.push((g.heap_bytes_per_op.value, "B/op".into()));
        v.push((g.allocs_per_op.value, "allocs/op".into()));
    } else if let Some(a) = l.accounting.ok() {
        if let Some(b) = a.model_allocated_bytes {
            v.push((b as f64 / ops, "B/op".into()));
            v.push((a.model_allocations as f64 / ops, "allocs/op".into()));
        }
    }
    if let Some(a) = l.accounting.ok() {
        v.push((a.bytes_per_op, "wrote-B/op".into()));
        if let Some(wa) = a.write_amplification {
            v.push((wa, "WA".into()));
        }
        for p in CopyPath::ALL {
            v.push((
                a.bytes_written.get(p) as f64 / ops,
                format!("{}-B/op", p.name()),
            ));
        }
    }
    if let Some(lat) = l.latency.ok() {
        v.push((lat.summary.p99_ns, "p99-ns".into()));
    }
    if let Some(cg) = l.callgrind.ok() {
        v.push((cg.ir_per_op, "Ir/op".into()));
    }
    if let Some(g) = l.go_runtime.ok() {
        v.push((g.gc_cycles.mean / ops, "gc-cycles/op".into()));
    }
    v.retain(|(x, _)| x.is_finite());
    v
}

/// A value as a plain decimal (Rust prints the shortest exact form and
/// never an exponent, which Go's parser would also take).
fn number(x: f64) -> String {
    format!("{x}")
}

/// Go's GOOS and GOARCH for a Rust target triple.
fn go_platform(target: &str) -> (&'static str, &'static str) {
    let arch = match target.split('-').next().unwrap_or("") {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" | "i686" | "i586" => "386",
        "riscv64gc" | "riscv64" => "riscv64",
        _ => "unknown",
    };
    let os = if target.contains("linux") {
        "linux"
    } else if target.contains("darwin") || target.contains("apple") {
        "darwin"
    } else if target.contains("windows") {
        "windows"
    } else {
        "unknown"
    };
    (os, arch)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimals() {
        assert_eq!(number(16384.0), "16384");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.000000125), "0.000000125");
    }

    #[test]
    fn platforms_map_to_go_names() {
        assert_eq!(go_platform("x86_64-unknown-linux-gnu"), ("linux", "amd64"));
        assert_eq!(go_platform("aarch64-apple-darwin"), ("darwin", "arm64"));
    }
}
