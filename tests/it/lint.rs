//! Behaviour of `mapamp lint`: the Rust check against fixtures with
//! expected findings (`// want:` comments) and a golden file of the fixes,
//! the Go analyzer through the command on fixture modules, the cost table,
//! and SARIF validated against the SARIF 2.1.0 JSON schema.

use crate::common;

use common::mapamp;
use mapamp::lint::cost::{NSource, Pricing};
use mapamp::lint::{lint, Language, LintOptions, LintReport};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/lint/fixture")
        .join(rel)
}

/// Go is needed to build maplint; without it the Go half says SKIPPED.
fn go_available() -> bool {
    let ok = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: `go` is not on PATH, so maplint cannot be built here");
    }
    ok
}

fn lint_rust_fixture() -> LintReport {
    lint(&LintOptions {
        path: fixture("rust"),
        assume_n: Some(1000),
        maplint: None,
    })
    .expect("lints")
}

/// (file, line, hint, exact) of every `// want: <hint> exact|upper` comment.
fn wanted(dir: &Path) -> BTreeSet<(String, usize, String, bool)> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (i, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            if let Some((_, want)) = line.split_once("// want: ") {
                let (hint, kind) = want.rsplit_once(' ').unwrap();
                out.insert((name.clone(), i + 1, hint.to_string(), kind == "exact"));
            }
        }
    }
    out
}

#[test]
fn rust_findings_are_exactly_the_wanted_ones() {
    let r = lint_rust_fixture();
    assert_eq!(r.rust_files, 2);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let got: BTreeSet<_> = r
        .findings
        .iter()
        .map(|f| {
            let f = &f.finding;
            (f.file.clone(), f.start.line, f.hint.clone(), f.exact)
        })
        .collect();
    let want = wanted(&fixture("rust"));
    assert!(want.len() >= 12, "{want:?}");
    let missing: Vec<_> = want.difference(&got).collect();
    let unexpected: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "missing {missing:?}\nunexpected {unexpected:?}"
    );
}

#[test]
fn rust_fixes_match_the_golden_file() {
    let r = lint_rust_fixture();
    let src_path = fixture("rust/positives.rs");
    let mut text = std::fs::read_to_string(&src_path).unwrap();
    let mut edits: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.finding.file == "positives.rs")
        .flat_map(|f| f.finding.fix.clone())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.start));
    for e in edits {
        text.replace_range(e.start..e.end, &e.new_text);
    }
    common::golden("lint/fixture/rust", "positives.rs.fixed", &text);
}

#[test]
fn rust_findings_are_priced_with_hashbrown_at_the_stated_n() {
    let r = lint_rust_fixture();
    for pf in &r.findings {
        let f = &pf.finding;
        let Pricing::Priced(c) = &pf.cost else {
            panic!("{}:{} not priced: {:?}", f.file, f.start.line, pf.cost)
        };
        assert_eq!(c.model, "hashbrown");
        match f.const_n {
            Some(n) => assert_eq!((c.n, c.n_source), (n, NSource::ConstantBound)),
            None => assert_eq!((c.n, c.n_source), (1000, NSource::AssumeN)),
        }
        assert!(
            c.without_hint.total_bytes > c.with_hint.total_bytes,
            "{}:{}: growth costs bytes",
            f.file,
            f.start.line
        );
        assert_eq!(c.with_hint.growth_copies, 0, "{c:?}");
    }
    let constant = r
        .findings
        .iter()
        .find(|f| f.finding.hint == "1000")
        .expect("the constant-bound finding");
    let Pricing::Priced(c) = &constant.cost else {
        panic!()
    };
    assert_eq!((c.key_bytes_priced, c.value_bytes_priced), (8, 8));
}

#[test]
fn go_fixtures_are_found_and_priced_by_their_go_line() {
    if !go_available() {
        return;
    }
    let r = lint(&LintOptions {
        path: fixture(""),
        assume_n: None,
        maplint: None,
    })
    .expect("lints");
    assert_eq!(r.go_runs, 2, "{r:?}");
    let go: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.finding.language == Language::Go)
        .collect();
    let got: Vec<_> = go
        .iter()
        .map(|f| {
            let f = &f.finding;
            (
                f.file.as_str(),
                f.start.line,
                f.hint.as_str(),
                f.exact,
                f.go_version.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("go-classic/fill.go", 12, "len(users)", true, Some("go1.22")),
            ("go-classic/fill.go", 21, "1000", true, Some("go1.22")),
            (
                "go-classic/fill.go",
                30,
                "len(users)",
                false,
                Some("go1.22")
            ),
            ("go-swiss/table.go", 7, "uint64(4096)", true, Some("go1.26")),
        ]
    );
    // The constant loop is priced with the classic model at N = 1000,
    // 8-byte keys and values; the others need --assume-n.
    let Pricing::Priced(c) = &go[1].cost else {
        panic!("{:?}", go[1].cost)
    };
    assert_eq!(c.model, "gomap");
    assert_eq!(
        (c.n, c.key_bytes_priced, c.value_bytes_priced),
        (1000, 8, 8)
    );
    let evac = |f: &mapamp::lint::cost::Figures| {
        f.bytes_written
            .iter()
            .find(|p| p.path == "evacuate_double")
            .map(|p| p.bytes)
    };
    assert!(evac(&c.without_hint).unwrap() > 0);
    assert_eq!(evac(&c.with_hint), Some(0));
    let Pricing::Unavailable { reason } = &go[0].cost else {
        panic!()
    };
    assert!(reason.contains("--assume-n"), "{reason}");
    // The Go 1.26 module's constant loop is priced with the Swiss model.
    let Pricing::Priced(c) = &go[3].cost else {
        panic!("{:?}", go[3].cost)
    };
    assert_eq!((c.model.as_str(), c.n), ("goswiss", 4096));
    assert!(c.without_hint.total_bytes > c.with_hint.total_bytes);
    // The fix is the analyzer's suggested edit, byte-exact.
    let src = std::fs::read_to_string(fixture("go-classic/fill.go")).unwrap();
    let e = &go[0].finding.fix[0];
    let mut fixed = src.clone();
    fixed.replace_range(e.start..e.end, &e.new_text);
    assert!(
        fixed.contains("m := make(map[int]user, len(users))"),
        "{fixed}"
    );
}

#[test]
fn the_command_prints_the_cost_table() {
    let dir = fixture("rust");
    let (code, out, err) = mapamp(&["lint", dir.to_str().unwrap(), "--assume-n", "5000"]);
    assert_eq!(code, 0, "{err}");
    let n = wanted(&dir).len();
    assert!(
        out.contains(&format!("finding(s) (0 Go, {n} Rust)")),
        "{out}"
    );
    assert!(out.contains("else at N = 5,000 (--assume-n)"), "{out}");
    for col in [
        "location",
        "hint",
        "bytes written (no hint → hint)",
        "growth copies",
        "WA",
    ] {
        assert!(out.contains(col), "column {col}: {out}");
    }
    assert!(out.contains("positives.rs:"), "{out}");
    assert!(out.contains("5,000 (assumed)"), "{out}");
    assert!(out.contains("bytes per path: "), "{out}");
    assert!(out.contains("evacuate_double"), "{out}");
    assert!(out.contains("sizes: key"), "{out}");
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let target = if go_available() {
        fixture("")
    } else {
        fixture("rust")
    };
    let (code, out, err) = mapamp(&["lint", target.to_str().unwrap(), "--sarif"]);
    assert_eq!(code, 0, "{err}");
    let log: Value = serde_json::from_str(&out).expect("JSON");
    let schema_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    // The official schema's `language` pattern (twice, in `run` and in
    // `toolComponent`) has a stray `]`:
    // `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$` is not a valid ECMA-262
    // regex (the dialect JSON Schema patterns are written in; Python's `re`
    // reads the `]` as a literal, which matches nothing a language tag
    // holds). It is replaced by its evident intent (a two-letter language,
    // optionally a two-letter region), so that every other check, formats
    // (`uri`, `uri-reference`, `date-time`, `regex`) included, stays on. The
    // count makes this fail if the file changes.
    let broken = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(
        schema_text.matches(broken).count(),
        2,
        "schema file changed"
    );
    let dir = crate::common::scratch("sarif");
    let (schema, log_file) = (dir.join("schema.json"), dir.join("log.sarif"));
    std::fs::write(
        &schema,
        schema_text.replace(broken, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#),
    )
    .unwrap();
    std::fs::write(&log_file, &out).unwrap();
    check_sarif(&schema, &log_file);
    // The URIs the schema format-checked.
    let base = log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/') && !base.contains(' '),
        "{base}"
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= wanted(&fixture("rust")).len());
    let r = &results[0];
    assert!(r["ruleId"].as_str().unwrap().starts_with("maphint-"));
    assert!(r["message"]["text"].as_str().unwrap().contains("Cost"));
    assert!(
        r["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]["byteOffset"]
            .is_u64()
    );
}

/// Validates a SARIF log against the schema with `scripts/check-sarif.py`
/// (Python's reference `jsonschema`, formats checked; it also shows the
/// schema refuses a result without its message).
fn check_sarif(schema: &Path, log: &Path) {
    common::python_check(
        "check-sarif.py",
        "jsonschema, rfc3987",
        "python3-jsonschema python3-rfc3987",
        &[schema.as_os_str(), log.as_os_str()],
    );
}

#[test]
fn bad_input_exits_2_naming_what_is_valid_and_findings_can_fail_the_run() {
    let (code, _, err) = mapamp(&["lint", "/no/such/place"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such file or folder"), "{err}");
    let dir = fixture("rust");
    let (code, _, err) = mapamp(&["lint", dir.to_str().unwrap(), "--assume-n", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("1..=10000000"), "{err}");
    let (code, _, _) = mapamp(&["lint", dir.to_str().unwrap(), "--fail-on-findings"]);
    assert_eq!(code, 1);
    let clean = fixture("rust/negatives.rs");
    let (code, out, err) = mapamp(&["lint", clean.to_str().unwrap(), "--fail-on-findings"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 finding(s)"), "{out}");
}

#[test]
fn json_output_carries_findings_and_costs() {
    let dir = fixture("rust");
    let (code, out, err) = mapamp(&["lint", dir.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), wanted(&dir).len());
    // Without --assume-n only the constant-bound loops are priced: the
    // literal range `0..1000` and the `[u8; 16]` array.
    let priced: BTreeSet<(String, u64)> = findings
        .iter()
        .filter(|f| f["cost"]["status"] == "priced")
        .map(|f| {
            (
                f["hint"].as_str().unwrap().to_string(),
                f["cost"]["n"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: BTreeSet<(String, u64)> =
        [("1000".to_string(), 1000), ("bytes.len()".to_string(), 16)]
            .into_iter()
            .collect();
    assert_eq!(priced, want, "{out}");
    for f in findings.iter().filter(|f| f["cost"]["status"] != "priced") {
        assert_eq!(f["cost"]["status"], "unavailable", "{f}");
        assert!(
            f["cost"]["reason"].as_str().unwrap().contains("--assume-n"),
            "{f}"
        );
    }
    assert!(findings
        .iter()
        .all(|f| f["hint"].is_string() && f["start"]["line"].is_u64()));
}

/// The reference heap bytes of a real runtime (`tests/data/evolution`):
/// (median, min, max) of `make(map[key]value, n)` + n inserts.
fn evolution_heap(release: &str, key: &str, value: &str, n: u64) -> (u64, u64, u64) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/evolution/{release}.json"));
    let d: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let r = d["fill"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key && r["value"] == value && r["n"] == n && r["hint"] == n)
        .unwrap_or_else(|| panic!("{release}: no map[{key}]{value} n = {n}"));
    let u = |v: &Value| v.as_u64().unwrap();
    let median = u(&r["heap_bytes"]);
    match r.get("spread") {
        Some(s) => (median, u(&s["heap_bytes_min"]), u(&s["heap_bytes_max"])),
        None => (median, median, median),
    }
}

/// Go maps are priced with their declared key and value types: a
/// `map[int64]bool` set (with what a `map[int64]struct{}` would allocate
/// per Go release, against the real runtimes' reference data), a
/// `map[int64]struct{}`, 4-byte keys, string keys (their bytes apart), and
/// a named value type that says `unknown shape` instead of a guess.
#[test]
fn go_maps_are_priced_with_their_declared_types() {
    if !go_available() {
        return;
    }
    let r = lint(&LintOptions {
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint/types"),
        assume_n: None,
        maplint: None,
    })
    .expect("lints");
    let by_map = |ty: &str| {
        r.findings
            .iter()
            .find(|f| f.finding.map_type.as_deref() == Some(ty))
            .unwrap_or_else(|| panic!("no finding of {ty}: {r:?}"))
    };
    let priced = |ty: &str| match &by_map(ty).cost {
        Pricing::Priced(c) => c.clone(),
        Pricing::Unavailable { reason } => panic!("{ty} not priced: {reason}"),
    };
    assert_eq!(r.findings.len(), 5, "{r:?}");
    let seen = priced("map[int64]bool");
    assert_eq!(
        (seen.model.as_str(), seen.n, seen.n_source),
        ("goswiss", 1000, NSource::ConstantBound)
    );
    assert_eq!(
        (seen.key_type.as_deref(), seen.value_type.as_deref()),
        (Some("int64"), Some("bool"))
    );
    assert_eq!((seen.key_bytes_priced, seen.value_bytes_priced), (8, 1));
    assert_eq!(seen.without_hint.payload_bytes, 1000 * 9);
    let set = priced("map[int64]struct{}");
    assert_eq!((set.key_bytes_priced, set.value_bytes_priced), (8, 0));
    assert!(set.as_set.is_empty(), "a set already");
    // One Swiss slot of int64 + bool or int64 + struct{} is 16 bytes either
    // way (Go pads a trailing zero-size field): the same groups zeroed; the
    // slot copies differ by the bool's byte.
    assert_eq!(
        set.with_hint.total_bytes - 1000 * 8,
        seen.with_hint.total_bytes - 1000 * 9
    );
    // bool → struct{} per release, in Go's heap terms: equal to the real
    // runtimes where they are deterministic, in the seed range on Go 1.19.
    let releases: Vec<&str> = seen.as_set.iter().map(|p| p.release.as_str()).collect();
    assert_eq!(
        releases,
        ["go1.19", "go1.24", "go1.26", "go1.27", "go1.27split"]
    );
    for p in &seen.as_set {
        if p.release == "go1.24" {
            continue; // no reference runtime here
        }
        for (value, got) in [("bool", p.bool_heap_bytes), ("struct{}", p.set_heap_bytes)] {
            let (median, lo, hi) = evolution_heap(&p.release, "int64", value, 1000);
            if p.release == "go1.19" {
                assert!(
                    (lo..=hi).contains(&got),
                    "{}: {value}: {got} not in {lo}..={hi}",
                    p.release
                );
            } else {
                assert_eq!(got, median, "{}: map[int64]{value}", p.release);
            }
        }
    }
    let classic = &seen.as_set[0];
    assert!(
        classic.set_heap_bytes < classic.bool_heap_bytes
            && classic.set_bytes_written < classic.bool_bytes_written,
        "the classic bucket keeps no value bytes for struct{{}}: {classic:?}"
    );
    let swiss = &seen.as_set[2];
    assert_eq!(swiss.set_heap_bytes, swiss.bool_heap_bytes, "{swiss:?}");
    let counts = priced("map[int32]int64");
    assert_eq!((counts.key_bytes_priced, counts.value_bytes_priced), (4, 8));
    assert!(counts.apart.is_none() && counts.as_set.is_empty());
    let names = priced("map[string]int64");
    assert_eq!(names.key_bytes_priced, 16);
    assert!(
        names
            .apart
            .as_deref()
            .is_some_and(|a| a.contains("string key")),
        "{:?}",
        names.apart
    );
    let Pricing::Unavailable { reason } = &by_map("map[int64]user").cost else {
        panic!("a named value type is not priced")
    };
    assert!(
        reason.contains("unknown shape") && reason.contains("`user`"),
        "{reason}"
    );
    // The command says it too.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint/types");
    let (code, out, err) = mapamp(&["lint", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("map[int64]struct{} does as a set"), "{out}");
    assert!(out.contains("go1.19 24,"), "{out}");
    assert!(out.contains("unknown shape"), "{out}");
    assert!(
        out.contains("not in these figures: each string key's bytes"),
        "{out}"
    );
}
