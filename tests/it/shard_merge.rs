//! `mapamp run --shard K/N` and `mapamp merge`: three shards of smoke
//! (accounting only, the exact lens, to keep it cheap) merged give the
//! report a one-shot run gives, cell for cell and figure for figure; bad
//! shards, mixed profiles, builds and schemas, overlapping or missing
//! shards, and an output folder that is not new are refused with exit 2.

use crate::common;

use common::{mapamp, scratch};
use serde_json::Value;
use std::path::Path;

fn run(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        "--profile",
        "smoke",
        "--lenses",
        "accounting",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (code, _, err) = mapamp(&args);
    assert_eq!(code, 0, "{args:?}: {err}");
}

fn report(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

/// Writes `dir/report.json` as `from`'s with one edit (no cells folder).
fn edited(from: &Path, dir: &Path, edit: impl FnOnce(&mut Value)) {
    let mut r = report(from);
    edit(&mut r);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("report.json"), r.to_string()).unwrap();
}

fn merge(args: &[&Path]) -> (i32, String) {
    let mut a = vec!["merge"];
    a.extend(args.iter().map(|p| p.to_str().unwrap()));
    let (code, _, err) = mapamp(&a);
    (code, err)
}

#[test]
fn three_shards_merged_equal_a_one_shot_run() {
    let root = scratch("shard-merge");
    let whole = root.join("whole");
    run(&whole, &[]);
    let shards: Vec<_> = (1..=3).map(|k| root.join(format!("shard{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        run(dir, &["--shard", &format!("{}/3", k + 1)]);
    }
    let sizes: Vec<usize> = shards
        .iter()
        .map(|d| report(d)["cells"].as_array().unwrap().len())
        .collect();
    let total = report(&whole)["cells"].as_array().unwrap().len();
    assert_eq!(sizes.iter().sum::<usize>(), total, "{sizes:?}");
    assert!(sizes.iter().all(|&s| s * 3 >= total - 2), "{sizes:?}");
    assert_eq!(report(&shards[1])["run"]["shard"], "2/3");

    let merged = root.join("merged");
    // Given in another order: the merged cells still come in profile order.
    let (code, err) = merge(&[&merged, &shards[2], &shards[0], &shards[1]]);
    assert_eq!(code, 0, "{err}");
    let (a, b) = (report(&whole), report(&merged));
    let ids = |r: &Value| -> Vec<String> {
        r["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
    // Every cell equal: axes, ops, region, and the exact lens's every figure
    // (bytes per path, WA, allocations, growths, structure, isolation) and
    // the write timeline's exact figures;
    // the lenses not asked for say so identically. An io cell's own lens
    // runs whatever is asked: its exact figures (calls, copies per byte,
    // bytes delivered, the checksum) must be equal, its wall-clock ones
    // (GB/s, ns per send, sends replayed, CPU usage, the eviction steps)
    // are samples and are left out.
    for (x, y) in a["cells"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["cells"].as_array().unwrap())
    {
        assert_eq!(exact(x), exact(y), "cell {}", x["id"]);
    }
    assert_eq!(a["noise"], b["noise"]);
    assert_eq!(a["run"]["profile_toml"], b["run"]["profile_toml"]);
    assert_eq!(b["run"]["merged_from"].as_array().unwrap().len(), 3);
    assert!(b["run"].get("shard").is_none());
    // The merged folder has every cell's files and the renderings.
    for name in ["index.html", "summary.md", "bench.txt", "metrics.prom"] {
        assert!(merged.join(name).is_file(), "{name}");
    }
    let first = a["cells"][0]["id"].as_str().unwrap();
    assert!(merged.join("cells").join(first).join("cell.json").is_file());
    common::check_metrics(&merged);

    // Refusals, each exit 2 with a reason, and nothing written.
    let not_merged = root.join("not-merged");
    let (code, err) = merge(&[&not_merged, &shards[0], &shards[1]]);
    assert_eq!(code, 2);
    assert!(err.contains("shard 3/3 missing"), "{err}");
    let (code, err) = merge(&[&not_merged, &shards[0], &shards[1], &shards[1]]);
    assert_eq!(code, 2);
    assert!(err.contains("is in both"), "{err}");
    let (code, err) = merge(&[&merged, &shards[0], &shards[1], &shards[2]]);
    assert_eq!(code, 2);
    assert!(err.contains("not empty"), "{err}");
    let (code, err) = merge(&[&shards[0], &shards[0], &shards[1], &shards[2]]);
    assert_eq!(code, 2);
    assert!(err.contains("one of the folders to merge"), "{err}");
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit, &str); 3] = [
        (
            "profile",
            |r| r["run"]["profile_toml"] = Value::from("# another profile\n"),
            "profiles differ",
        ),
        (
            "build",
            |r| r["mapamp_version"] = Value::from("0.0.0-other"),
            "builds (mapamp versions) differ",
        ),
        (
            "schema",
            |r| r["schema_version"] = Value::from(99),
            "schema_version 99",
        ),
    ];
    for (name, edit, want) in cases {
        let bad = root.join(format!("bad-{name}"));
        edited(&shards[2], &bad, edit);
        let (code, err) = merge(&[&not_merged, &shards[0], &shards[1], &bad]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
    }
    assert!(!not_merged.exists());
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn bad_shards_are_refused() {
    let root = scratch("shard-bad");
    for bad in ["0/3", "4/3", "3", "x/y", "1/0"] {
        let out = root.join("out");
        let (code, _, err) = mapamp(&[
            "run",
            "--profile",
            "smoke",
            "--shard",
            bad,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("use K/N"), "{bad}: {err}");
        assert!(!out.exists());
    }
    // More shards than selected cells: the empty shard says so.
    let out = root.join("out");
    let (code, _, err) = mapamp(&[
        "run",
        "--profile",
        "smoke",
        "--cells",
        "locate/",
        "--shard",
        "3/3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no cell falls in this shard"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

/// A cell without the io lens's wall-clock figures.
fn exact(cell: &Value) -> Value {
    let mut c = cell.clone();
    // (An io lens that was unavailable holds only its reason.)
    if let Some(io) = c["lenses"]["io"]
        .as_object_mut()
        .filter(|io| io.contains_key("delivered_bytes"))
    {
        for timed in ["gb_per_s", "region_ns_per_send", "sends", "usage"] {
            assert!(io.remove(timed).is_some(), "no {timed} in {io:?}");
        }
        if let Some(cache) = io.get_mut("cache").and_then(Value::as_object_mut) {
            cache.remove("method");
        }
    }
    // The write timeline's latencies are samples (and so is the path of a
    // drawn column's slowest operation); its operations, growth spans and
    // event counts are exact.
    if let Some(t) = c["lenses"]["timeline"].as_object_mut() {
        for timed in ["columns", "p50_ns", "max_ns", "clock_pair_ns"] {
            assert!(t.remove(timed).is_some(), "no {timed} in {t:?}");
        }
    }
    c
}
