//! `bench.txt` is read by Go's own tooling: two reports rendered in the Go
//! benchmark format go through golang.org/x/perf's benchfmt reader (every
//! line parses, no syntax error, the units and their `assume=exact`
//! metadata are there) and through `benchstat` itself. The tools come from
//! the Go module proxy, pinned in `go/tools/go.sum`, built with the
//! machine's Go (x/perf needs Go 1.26).

use mapamp::golang::build::tool_binary;
use mapamp::golang::toolchain::{self, GoRelease};
use mapamp::report::benchfmt::bench_txt;
use mapamp::report::schema::{GoRuntimeFigures, LensReport, Measured, Report, Spread};
use std::path::Path;
use std::process::Command;

fn fixture(name: &str) -> Report {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/data/compare/{name}/report.json"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn spread(values: Vec<f64>, unit: &str) -> Spread {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    Spread {
        mean,
        min: values.iter().copied().fold(f64::INFINITY, f64::min),
        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        values,
        unit: unit.into(),
        source: "go-runtime-metrics".into(),
    }
}

/// A report with a real-Go twin of its first cell, so the file has the
/// runtime's units too.
fn with_real_go(mut r: Report, scale: f64) -> Report {
    let mut c = r.cells[0].clone();
    c.id = c.id.replace("/gomap/", "/go1.19/");
    c.axes.variant = "go1.19".into();
    c.lenses.go_runtime = LensReport::Ok(GoRuntimeFigures {
        go_version: "go1.19.8".into(),
        gogc: "default".into(),
        gomemlimit: "default".into(),
        gomaxprocs: 2,
        samples: 3,
        heap_bytes_per_op: Measured {
            value: 48.0 * scale,
            unit: "bytes/op".into(),
            source: "go-runtime-metrics".into(),
        },
        allocs_per_op: Measured {
            value: 0.01,
            unit: "allocs/op".into(),
            source: "go-runtime-metrics".into(),
        },
        heap_bytes: spread(
            vec![49000.0 * scale, 49152.0 * scale, 49300.0 * scale],
            "bytes",
        ),
        heap_objects: spread(vec![10.0, 11.0, 12.0], "objects"),
        tiny_allocs: spread(vec![0.0, 0.0, 0.0], "objects"),
        gc_cycles: spread(vec![0.0, 1.0, 0.0], "gc-cycles"),
        gc_cpu_seconds: LensReport::unavailable("go1.19 has no /cpu/classes/gc/total:cpu-seconds"),
        structure: None,
    });
    r.cells.push(c);
    r
}

#[test]
fn benchstat_reads_every_line_of_bench_txt() {
    let tc = match toolchain::find(GoRelease::Go126) {
        Ok(tc) => tc,
        Err(e) => {
            eprintln!("SKIPPED benchstat on bench.txt: {e}");
            return;
        }
    };
    let build = |pkg: &str, name: &str| tool_binary(&tc, pkg, name);
    let (benchstat, benchcheck) = match (
        build("golang.org/x/perf/cmd/benchstat", "benchstat"),
        build("./benchcheck", "benchcheck"),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e))
            if mapamp::error::chain(&e).contains("dial tcp")
                || mapamp::error::chain(&e).contains("proxy.golang.org") =>
        {
            eprintln!(
                "SKIPPED benchstat on bench.txt: the Go module proxy cannot be reached: {}",
                mapamp::error::chain(&e)
            );
            return;
        }
        (Err(e), _) | (_, Err(e)) => panic!("building the Go tools: {}", mapamp::error::chain(&e)),
    };
    let dir = crate::common::scratch("benchstat");
    let (a, b) = (dir.join("base.txt"), dir.join("regressed.txt"));
    let text_a = bench_txt(&with_real_go(fixture("base"), 1.0));
    let text_b = bench_txt(&with_real_go(fixture("regressed"), 1.2));
    std::fs::write(&a, &text_a).unwrap();
    std::fs::write(&b, &text_b).unwrap();
    let lines = |t: &str| t.lines().filter(|l| l.starts_with("Benchmark")).count();

    let out = Command::new(&benchcheck).arg(&a).arg(&b).output().unwrap();
    assert!(
        out.status.success(),
        "benchcheck: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["syntax_errors"].as_array().unwrap().len(), 0, "{r}");
    assert_eq!(
        r["results"].as_u64().unwrap() as usize,
        lines(&text_a) + lines(&text_b),
        "{r}"
    );
    for unit in [
        "ns/op",
        "B/op",
        "allocs/op",
        "wrote-B/op",
        "WA",
        "assign-B/op",
        "evacuate_double-B/op",
        "p99-ns",
        "Ir/op",
        "gc-cycles/op",
    ] {
        assert!(
            r["orig_units"][unit].as_u64().unwrap_or(0) > 0,
            "unit {unit} missing: {r}"
        );
    }
    assert_eq!(r["unit_meta"]["WA assume"], "exact", "{r}");
    assert_eq!(r["unit_meta"]["zero_fill-B/op assume"], "exact", "{r}");
    let names: Vec<&str> = r["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Insert/variant=go1.19/config=go-default/n=1024/keys=random/kv=k8v8"),
        "{names:?}"
    );

    let out = Command::new(&benchstat).arg(&a).arg(&b).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "benchstat failed: {stderr}");
    assert!(
        !stderr.contains("syntax") && !stderr.contains("parse"),
        "benchstat: {stderr}"
    );
    for want in ["sec/op", "B/op", "WA", "Insert"] {
        assert!(
            stdout.contains(want),
            "benchstat's table lacks {want}:\n{stdout}"
        );
    }
    // Sub-benchmark keys select columns: the variants side by side.
    let out = Command::new(&benchstat)
        .args(["-col", "/variant"])
        .arg(&a)
        .output()
        .unwrap();
    let cols = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && cols.contains("go1.19") && cols.contains("gomap"),
        "{cols}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
