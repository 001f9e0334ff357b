//! Real-Go variants and the Go runtime knobs in profiles: `gogc` and
//! `gomemlimit` parse as Go reads them, apply to the real-Go variants only
//! (skipped elsewhere with the reason, an error when no real-Go variant is
//! listed), and the shipped `go` profiles cross them with presizing.

use mapamp::golang::Gogc;
use mapamp::profile;
use mapamp::scenario::CellSpec;
use mapamp::variants::Variant;

fn parse(text: &str) -> Result<profile::Profile, String> {
    profile::parse("p.toml", "p", text).map_err(|e| e.to_string())
}

const AXES: &str = r#"
[axes]
scenario = ["insert", "overflow", "evacuate_same_size"]
variant = ["gomap", "go1.19", "go1.26"]
n = [1024]
keys = ["random"]
key_size = [8]
value_size = [8]
"#;

#[test]
fn gogc_applies_to_real_go_variants_only() {
    let p = parse(&format!(
        "{AXES}\n[configs.plain]\n[configs.gc50]\ngogc = 50\ngomemlimit = \"512MiB\"\n[configs.off]\ngogc = \"off\"\n"
    ))
    .unwrap();
    let cells = p.cells();
    let ids: Vec<String> = cells.cells.iter().map(|c| c.id().to_string()).collect();
    assert!(
        ids.contains(&"insert/go1.19/gc50/n=1024/keys=random/k8v8".to_string()),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"insert/go1.26/off/n=1024/keys=random/k8v8".to_string()),
        "{ids:?}"
    );
    assert!(
        !ids.iter().any(|i| i.starts_with("insert/gomap/gc50")),
        "{ids:?}"
    );
    let skipped = cells
        .skipped
        .iter()
        .find(|s| s.id.as_str() == "insert/gomap/gc50/n=1024/keys=random/k8v8")
        .expect("the model cell of a GOGC configuration is listed as skipped");
    assert!(
        skipped.reason.contains("real-Go variants only"),
        "{}",
        skipped.reason
    );
    let knobs = cells
        .cells
        .iter()
        .find_map(|c| match c {
            CellSpec::Map(m) if m.id().as_str() == "insert/go1.19/gc50/n=1024/keys=random/k8v8" => {
                Some(m.go_runtime.clone())
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(knobs.gogc, Some(Gogc::Percent(50)));
    assert_eq!(knobs.gomemlimit.as_deref(), Some("512MiB"));
}

#[test]
fn the_swiss_map_skips_the_classic_only_paths_with_the_reason() {
    let p = parse(&format!("{AXES}\n[configs.plain]\n")).unwrap();
    let cells = p.cells();
    let why = |id: &str| {
        cells
            .skipped
            .iter()
            .find(|s| s.id.as_str() == id)
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{id} is not skipped"))
    };
    assert!(
        why("overflow/go1.26/plain/n=1024/keys=colliding/k8v8").contains("no overflow chains")
            || why("overflow/go1.26/plain/n=1024/keys=colliding/k8v8").contains("has none")
    );
    assert!(
        why("evacuate_same_size/go1.26/plain/n=1024/keys=random/k8v8")
            .contains("never rehashes in place")
    );
    let ids: Vec<String> = cells.cells.iter().map(|c| c.id().to_string()).collect();
    assert!(
        ids.contains(&"overflow/go1.19/plain/n=1024/keys=colliding/k8v8".to_string()),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"evacuate_same_size/go1.19/plain/n=1024/keys=random/k8v8".to_string()),
        "{ids:?}"
    );
}

#[test]
fn bad_go_knobs_name_the_line_and_the_valid_values() {
    let e = parse(&format!("{AXES}\n[configs.x]\ngogc = \"fast\"\n")).unwrap_err();
    assert!(e.starts_with("p.toml:11:") && e.contains("\"off\""), "{e}");
    let e = parse(&format!("{AXES}\n[configs.x]\ngogc = 0\n")).unwrap_err();
    assert!(
        e.contains("p.toml:11:") && e.contains("percentage from 1"),
        "{e}"
    );
    let e = parse(&format!("{AXES}\n[configs.x]\ngomemlimit = \"2GB\"\n")).unwrap_err();
    assert!(
        e.contains("p.toml:11:") && e.contains("KiB, MiB, GiB or TiB"),
        "{e}"
    );
    // GOGC without a real-Go variant to apply it to.
    let model_only = AXES.replace(
        r#"["gomap", "go1.19", "go1.26"]"#,
        r#"["gomap", "hashbrown"]"#,
    );
    let e = parse(&format!("{model_only}\n[configs.x]\ngogc = 50\n")).unwrap_err();
    assert!(
        e.contains("real-Go variants only") && e.contains("go1.19, go1.26, go1.27"),
        "{e}"
    );
    // Go-model knobs do not apply to the real runtime.
    let p = parse(&format!("{AXES}\n[configs.lf]\nload_factor = 4.0\n")).unwrap();
    assert!(p
        .cells()
        .skipped
        .iter()
        .any(|s| s.id.as_str().starts_with("insert/go1.19/lf")
            && s.reason.contains("Go-model knobs")));
}

#[test]
fn variants_list_the_real_runtimes() {
    for name in ["go1.19", "go1.26", "go1.27"] {
        let v = Variant::parse(name).unwrap();
        assert_eq!(v.name(), name);
        assert!(v.go_release().is_some());
    }
    let e = Variant::parse("go1.20").unwrap_err().to_string();
    assert!(e.contains("go1.19, go1.26, go1.27"), "{e}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .arg("variants")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for want in ["go1.19", "go1.26", "go1.27", "gogc", "gomemlimit"] {
        assert!(
            text.contains(want),
            "`mapamp variants` lacks {want}: {text}"
        );
    }
}

#[test]
fn the_go_profiles_cross_hint_and_gogc() {
    let p = profile::load_named("go").unwrap();
    let cells = p.cells().cells;
    let count = |v: &str| {
        cells
            .iter()
            .filter(|c| matches!(c, CellSpec::Map(m) if m.variant.name() == v))
            .count()
    };
    // 3 workloads x (2 hints x 4 GOGC settings) on each runtime; 2 hints on the model.
    assert_eq!(
        (count("gomap"), count("go1.19"), count("go1.26")),
        (6, 24, 24)
    );
    let paths = profile::load_named("go-paths").unwrap();
    let ids: Vec<String> = paths
        .cells()
        .cells
        .iter()
        .map(|c| c.id().to_string())
        .collect();
    for sc in [
        "assign",
        "overflow",
        "evacuate_double",
        "evacuate_same_size",
        "insert",
        "churn",
        "update",
    ] {
        assert!(
            ids.iter().any(|i| i.starts_with(&format!("{sc}/go1.19/"))),
            "go-paths lacks {sc} on go1.19"
        );
        assert!(
            ids.iter().any(|i| i.starts_with(&format!("{sc}/gomap/"))),
            "go-paths lacks {sc} on gomap"
        );
    }
    // The Swiss map's own paths, on the model and on the real runtime.
    for sc in ["small_to_table", "table_grow", "table_split"] {
        for v in ["goswiss", "go1.26"] {
            assert!(
                ids.iter().any(|i| i.starts_with(&format!("{sc}/{v}/"))),
                "go-paths lacks {sc} on {v}"
            );
        }
        assert!(
            !ids.iter().any(|i| i.starts_with(&format!("{sc}/go1.19/"))),
            "{sc} on the classic runtime"
        );
    }
}

/// The Go harness draws the model's key ids: the same first values as
/// `go/internal/harness/harness_test.go` pins for its port.
#[test]
fn the_go_harness_key_streams_are_the_models() {
    let mut r = mapamp::rng::Rng::new(7);
    let got: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
    assert_eq!(
        got,
        [0xb358faf74ef9765a, 0x475c3d964f482cd2, 0xd6f1d349952c7996]
    );
    let mut s = mapamp::workload::KeySource::new(mapamp::workload::KeyDist::Random, 1);
    let got: Vec<u64> = (0..3).map(|_| s.fresh()).collect();
    assert_eq!(
        got,
        [0x6934f5ba71994f15, 0xe0189364d6c51622, 0xcb5054888e90a21c]
    );
}
