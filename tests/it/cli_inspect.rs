//! Behaviour of `mapamp inspect`, `mapamp variants` and `mapamp table`.

use serde_json::Value;
use std::process::Command;

fn mapamp(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn inspect_json(args: &[&str]) -> Value {
    let mut all = vec!["inspect", "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = mapamp(&all);
    assert_eq!(code, 0, "stderr: {err}");
    serde_json::from_str(&out).expect("one JSON object")
}

const FIELDS: [&str; 16] = [
    "variant",
    "n",
    "b",
    "buckets",
    "growing",
    "overflow_buckets",
    "pct_buckets_with_overflow",
    "hitprobe",
    "missprobe",
    "overhead_bytes_per_entry",
    "chain_len_hist",
    "doubling_grows",
    "same_size_grows",
    "payload_bytes",
    "bytes_written",
    "write_amplification",
];

#[test]
fn inspect_json_has_the_documented_fields() {
    let v = inspect_json(&[
        "--variant",
        "gomap",
        "--workload",
        "insert",
        "--keys",
        "random",
        "--n",
        "6656",
    ]);
    for f in FIELDS {
        assert!(v.get(f).is_some(), "missing field {f}");
    }
    for p in [
        "assign",
        "overflow",
        "evacuate_double",
        "evacuate_same_size",
        "zero_fill",
    ] {
        assert!(v["bytes_written"][p].is_u64(), "bytes_written.{p}");
    }
    assert_eq!(v["n"], 6656);
    assert_eq!(v["b"], 10);
    assert_eq!(v["buckets"], 1024);
    assert_eq!(v["missprobe"].as_f64(), Some(6.5));
    let total: u64 = v["bytes_written"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_u64().unwrap())
        .sum();
    let wa = total as f64 / v["payload_bytes"].as_f64().unwrap();
    assert!((v["write_amplification"].as_f64().unwrap() - wa).abs() < 1e-9);
    assert_eq!(v["heap"]["installed"], true);
}

#[test]
fn a_hint_alone_shows_the_b_it_gives() {
    let v = inspect_json(&["--n", "0", "--hint", "1000000"]);
    assert_eq!(v["b"], 18);
    assert_eq!(v["n"], 0);
    assert_eq!(v["write_amplification"], Value::Null);
    let v = inspect_json(&["--n", "1000", "--hint", "n"]);
    assert_eq!(v["doubling_grows"], 0);
}

#[test]
fn churn_workload_reports_deletes() {
    let v = inspect_json(&[
        "--workload",
        "churn",
        "--n",
        "2000",
        "--rounds",
        "5",
        "--k",
        "500",
    ]);
    assert_eq!(v["n"], 2000);
    assert!(v["bytes_written"]["delete"].as_u64().unwrap() > 0);
}

#[test]
fn swiss_tables_report_null_for_bucket_fields() {
    for variant in ["hashbrown", "std"] {
        let v = inspect_json(&["--variant", variant, "--n", "10000"]);
        assert_eq!(v["variant"], variant);
        for f in [
            "b",
            "buckets",
            "overflow_buckets",
            "hitprobe",
            "chain_len_hist",
        ] {
            assert_eq!(
                v[f],
                Value::Null,
                "{variant}.{f} must be null, not invented"
            );
        }
        assert_eq!(v["accounting"], "derived");
        assert_eq!(v["swiss"]["slots"], 16384);
        assert!(v["write_amplification"].as_f64().unwrap() > 1.0);
    }
}

#[test]
fn every_variant_and_knob_is_accepted() {
    for variant in ["gomap", "gomap-slab", "gomap-inline"] {
        let v = inspect_json(&[
            "--variant",
            variant,
            "--n",
            "5000",
            "--load-factor",
            "4",
            "--evacuate-batch",
            "all",
            "--inline-limit",
            "64",
            "--overflow-prealloc",
            "off",
            "--key-size",
            "16",
            "--value-size",
            "128",
            "--hint",
            "0.5n",
        ]);
        assert_eq!(v["variant"], variant);
        assert_eq!(v["config"]["knobs"]["evacuate_batch"], "all");
        assert_eq!(v["config"]["hint"], "0.5n");
    }
}

#[test]
fn bad_input_gets_a_clear_error() {
    let (code, _, err) = mapamp(&["inspect", "--variant", "gomap2", "--n", "10"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("gomap, gomap-slab, gomap-inline, goswiss, goswiss-noprune, goswiss-127, goswiss-127split, hashbrown, std"),
        "{err}"
    );
    let (code, _, err) = mapamp(&[
        "inspect",
        "--variant",
        "hashbrown",
        "--n",
        "10",
        "--load-factor",
        "4",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("do not apply to `hashbrown`"), "{err}");
    let (code, _, err) = mapamp(&["inspect", "--n", "10", "--value-size", "24"]);
    assert_eq!(code, 2);
    assert!(err.contains("8, 16, 32, 64, 128, 256"), "{err}");
    for lf in ["0.2", "8.5"] {
        let (code, _, err) = mapamp(&["inspect", "--n", "10", "--load-factor", lf]);
        assert_eq!(code, 2, "load factor {lf}");
        assert!(
            err.contains(&format!("load factor {lf} is not valid")),
            "{err}"
        );
        assert!(err.contains("1.0 to 8.0"), "{err}");
    }
    let (code, _, err) = mapamp(&["inspect", "--n", "10000000000000"]);
    assert_eq!(code, 2);
    assert!(err.contains("use a smaller --n"), "{err}");
}

#[test]
fn variants_lists_every_variant_and_knob() {
    let (code, out, _) = mapamp(&["variants"]);
    assert_eq!(code, 0);
    for name in [
        "gomap",
        "gomap-slab",
        "gomap-inline",
        "goswiss",
        "goswiss-noprune",
        "goswiss-127",
        "goswiss-127split",
        "hashbrown",
        "std",
        "load_factor",
        "evacuate_batch",
        "inline_limit",
        "overflow_prealloc",
        "hint",
    ] {
        assert!(out.contains(name), "{name} missing from:\n{out}");
    }
}

#[test]
fn load_factor_table_lands_on_gos_figures() {
    let (code, out, err) = mapamp(&[
        "table",
        "load-factor",
        "--b",
        "12",
        "--seeds",
        "4",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let t: Value = serde_json::from_str(&out).unwrap();
    let rows = t["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 9);
    for r in rows {
        let lf = r["load_factor"].as_f64().unwrap();
        // missprobe is the load factor by construction.
        assert!((r["missprobe"]["model"]["mean"].as_f64().unwrap() - lf).abs() < 1e-9);
        // Every figure within 4 standard errors of the model's mean, plus
        // Go's rounding to the printed digits.
        for (fig, rounding) in [
            ("pct_overflow", 0.005),
            ("bytes_per_entry", 0.005),
            ("hitprobe", 0.005),
        ] {
            let f = &r[fig];
            let tol = 4.0 * f["model"]["se"].as_f64().unwrap() + rounding;
            let d = f["delta"].as_f64().unwrap().abs();
            assert!(d <= tol, "load factor {lf} {fig}: |delta| {d} > {tol}: {f}");
        }
    }
}

#[test]
fn inspect_goswiss_prints_directory_tables_and_swiss_paths() {
    let (code, out, err) = mapamp(&["inspect", "--variant", "goswiss", "--n", "5000"]);
    assert_eq!(code, 0, "{err}");
    for want in [
        "directory",
        "global depth",
        "tables",
        "tombstones",
        "table_split",
        "table_grow",
        "small_to_table",
        "prune",
    ] {
        assert!(out.contains(want), "{want} missing from:\n{out}");
    }
    assert!(
        !out.contains("evacuate_double"),
        "classic paths are n/a for goswiss:\n{out}"
    );
    let (code, json, _) = mapamp(&["inspect", "--variant", "goswiss", "--n", "5000", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["go_swiss"]["used"], 5000);
    assert!(v["go_swiss"]["tables"].as_array().unwrap().len() >= 8);
    assert!(v["bytes_written"]["table_split"].as_u64().unwrap() > 0);
}
