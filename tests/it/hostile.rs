//! Regression tests for what a hostile but fair user found (issue 15):
//! folders that are not mapamp's are refused and left byte for byte as
//! they were, nothing half-written lands under a final name, no input
//! hangs or exhausts memory, and every error names the input to blame.
//! Each test reproduced its defect before the fix.

use crate::common;

use common::copy_dir;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs the binary in `dir` with a deadline (a hang is a failure, not a
/// stuck test); returns (exit code, stdout, stderr).
fn mapamp_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("mapamp {args:?} did not return within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mapamp(args: &[&str]) -> (i32, String, String) {
    mapamp_in(Path::new(ROOT), args)
}

fn scratch(name: &str) -> PathBuf {
    common::scratch(&format!("hostile-{name}"))
}

/// Runs the binary, expects exit code 2 (refused), returns stderr.
fn refused(args: &[&str]) -> String {
    let (code, _, err) = mapamp(args);
    assert_eq!(code, 2, "mapamp {args:?}: {err}");
    err
}

/// Every file and folder under `dir` with its bytes (folders: `None`).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            if p.is_dir() {
                out.insert(rel, None);
                walk(root, &p, out);
            } else {
                out.insert(rel, Some(std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn fixture(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/data/compare").join(name)
}

fn edit_report(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let p = dir.join("report.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const ONE_CELL: &str = "assign/gomap/go-default*";

// ---- 1. compare --out refuses folders that are not its own ----

#[test]
fn compare_refuses_a_run_folder_and_leaves_every_byte() {
    let root = scratch("cmp-victim");
    let victim = root.join("victim");
    copy_dir(&fixture("base"), &victim);
    let before = snapshot(&victim);
    let a = format!("{}#config=go-default", s(&victim));
    let b = format!("{}#config=presized", s(&victim));
    let err = refused(&["compare", &a, &b, "--out", s(&victim)]);
    assert!(err.contains("holds no comparison"), "{err}");
    assert_eq!(snapshot(&victim), before, "the run folder changed");

    // A folder of unrelated files, and a plain file.
    let mine = root.join("mine");
    std::fs::create_dir_all(mine.join("sub")).unwrap();
    std::fs::write(mine.join("sub/notes.txt"), "mine").unwrap();
    let before = snapshot(&mine);
    refused(&["compare", &a, &b, "--out", s(&mine)]);
    assert_eq!(snapshot(&mine), before);
    let file = root.join("file");
    std::fs::write(&file, "x").unwrap();
    let err = refused(&["compare", &a, &b, "--out", s(&file)]);
    assert!(err.contains("not a folder"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn compare_replaces_only_its_own_previous_comparison() {
    let root = scratch("cmp-own");
    let out = root.join("cmp");
    let (a, b) = (fixture("base"), fixture("regressed"));
    let (code, _, err) = mapamp(&["compare", s(&a), s(&b), "--out", s(&out)]);
    assert!(code <= 1, "{err}");
    let first = snapshot(&out);
    assert!(first.contains_key(Path::new("compare.json")));
    // Again into the same folder: replaced, same content.
    let (code, _, err) = mapamp(&["compare", s(&a), s(&b), "--out", s(&out)]);
    assert!(code <= 1, "{err}");
    assert_eq!(snapshot(&out), first);
    // A file of someone else's inside it: refused, untouched.
    std::fs::write(out.join("mine.txt"), "keep").unwrap();
    let before = snapshot(&out);
    let err = refused(&["compare", s(&a), s(&b), "--out", s(&out)]);
    assert!(err.contains("mine.txt"), "{err}");
    assert_eq!(snapshot(&out), before);
    // Nothing staged is left beside it.
    let names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["cmp"]);
    std::fs::remove_dir_all(&root).unwrap();
}

// ---- 2. run --resume continues only its own folder ----

#[test]
fn resume_refuses_a_folder_without_a_run_and_leaves_it() {
    let root = scratch("resume-site");
    let site = root.join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "<h1>mine</h1>").unwrap();
    let before = snapshot(&site);
    let err = refused(&[
        "run",
        "--profile",
        "smoke",
        "--out",
        s(&site),
        "--resume",
        "--cells",
        ONE_CELL,
        "--lenses",
        "accounting",
    ]);
    assert!(err.contains("holds no mapamp run"), "{err}");
    assert_eq!(snapshot(&site), before);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn resume_refuses_a_run_whose_marker_was_deleted() {
    let root = scratch("resume-marker");
    let out = root.join("r");
    let (code, _, err) = mapamp(&[
        "run",
        "--profile",
        "smoke",
        "--out",
        s(&out),
        "--cells",
        ONE_CELL,
        "--lenses",
        "accounting",
    ]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(out.join("run.json")).unwrap();
    let before = snapshot(&out);
    let err = refused(&[
        "run",
        "--profile",
        "smoke",
        "--out",
        s(&out),
        "--resume",
        "--cells",
        ONE_CELL,
        "--lenses",
        "accounting",
    ]);
    assert!(err.contains("holds no mapamp run"), "{err}");
    assert_eq!(
        snapshot(&out),
        before,
        "cells of an unknown run were reused"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

// ---- 9a. resuming with another --cells keeps the earlier cells ----

#[test]
fn resume_with_other_cells_keeps_the_finished_ones_in_the_report() {
    let root = scratch("resume-cells");
    let out = root.join("r");
    let run = |cells: &str, resume: bool| {
        let mut args = vec![
            "run",
            "--profile",
            "smoke",
            "--out",
            s(&out),
            "--cells",
            cells,
            "--lenses",
            "accounting",
        ];
        if resume {
            args.push("--resume");
        }
        let (code, _, err) = mapamp(&args);
        assert_eq!(code, 0, "{err}");
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
                .unwrap();
        v["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let first = run(ONE_CELL, false);
    assert_eq!(first.len(), 1, "{first:?}");
    let both = run("assign/gomap/presized*", true);
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both.contains(&first[0]), "{both:?}");
    std::fs::remove_dir_all(&root).unwrap();
}

// ---- 3. a diff that cannot be drawn gets a reason; the rest is written ----

#[test]
fn an_undrawable_differential_graph_gets_a_reason_not_a_failed_comparison() {
    let root = scratch("cmp-undrawable");
    let (fa, fb) = (root.join("fa"), root.join("fb"));
    copy_dir(&fixture("base"), &fa);
    copy_dir(&fixture("base"), &fb);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(fa.join("report.json")).unwrap()).unwrap();
    let cell = v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["lenses"]["flamegraph"]["folded"].is_string())
        .expect("a cell with folded stacks")
        .clone();
    let folded = cell["lenses"]["flamegraph"]["folded"].as_str().unwrap();
    std::fs::write(fa.join(folded), "main;a 1\n").unwrap();
    std::fs::write(fb.join(folded), "main;b 2\nmain;c 2\nmain;d 1\n").unwrap();
    let out = root.join("x");
    let (code, _, err) = mapamp(&["compare", s(&fa), s(&fb), "--out", s(&out)]);
    assert_eq!(code, 0, "{err}");
    let cmp: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    let id = cell["id"].as_str().unwrap();
    let c = cmp["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    let why = c["flame"]["unavailable"].as_str().expect("a reason");
    assert!(why.contains("cannot be drawn"), "{why}");
    assert!(!out.join("cells").join(id).join("diff.svg").exists());
    for f in ["compare.md", "index.html"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    std::fs::remove_dir_all(&root).unwrap();
}

// ---- 4, 7, 8a. hints, churn sizes: bounded, named ----

#[test]
fn huge_hints_return_as_go_does() {
    for hint in ["18446744073709551615", "1e30n"] {
        let (code, out, err) = mapamp(&["inspect", "--n", "10", "--hint", hint, "--json"]);
        assert_eq!(code, 0, "{hint}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        // makemap sets a hint over maxAlloc to 0: the map starts at B = 0,
        // so 10 inserts grow it once (a kept hint of that size would have
        // needed no growth, or been refused for memory).
        assert_eq!(v["b"], 1, "{hint}: {v}");
        assert_eq!(v["doubling_grows"], 1, "{hint}: {v}");
    }
    let (code, out, _) = mapamp(&["inspect", "--n", "0", "--hint", "18446744073709551615"]);
    assert_eq!(code, 0);
    assert!(out.contains("makemap sets it to 0"), "{out}");
    // Go 1.26's NewMap makes an empty map for a hint whose tables would
    // pass maxAlloc: 10 inserts then take the small map and one table.
    let (code, out, err) = mapamp(&[
        "inspect",
        "--variant",
        "goswiss",
        "--n",
        "10",
        "--hint",
        "18446744073709551615",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("NewMap makes an empty map"), "{out}");
}

#[test]
fn a_hint_too_big_for_memory_is_blamed_on_the_hint() {
    // 10^12 × 144-byte buckets is under 2^48: Go keeps it, and B = 38 needs terabytes.
    let err = refused(&["inspect", "--n", "10", "--hint", "1000000000000"]);
    assert!(err.contains("--hint 1000000000000"), "{err}");
    assert!(!err.contains("--n"), "{err}");
    // Swiss tables take their hint as it is.
    let err = refused(&[
        "inspect",
        "--variant",
        "hashbrown",
        "--n",
        "10",
        "--hint",
        "1e30n",
    ]);
    assert!(
        err.contains("--hint 1") && err.contains("use a smaller --hint"),
        "{err}"
    );
    assert!(!err.contains("--n"), "{err}");
}

fn write_profile(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text).unwrap();
    p
}

const AXES: &str = r#"[axes]
scenario = ["insert"]
variant = ["gomap"]
n = [1000]
keys = ["random"]
key_size = [8]
value_size = [8]
"#;

#[test]
fn profile_hints_and_locate_buckets_are_bounded_and_blamed_by_line() {
    let dir = scratch("profile-bounds");
    let ok = write_profile(
        &dir,
        "ok",
        &format!("{AXES}[configs.big]\nhint = \"1e30n\"\n"),
    );
    let (code, _, err) = mapamp(&["profile", "check", s(&ok)]);
    assert_eq!(code, 0, "gomap: makemap sets the hint to 0: {err}");
    let swiss = write_profile(
        &dir,
        "swiss",
        &format!(
            "{}[configs.big]\nhint = \"1e30n\"\n",
            AXES.replace("\"gomap\"", "\"hashbrown\"")
        ),
    );
    let err = refused(&["profile", "check", s(&swiss)]);
    assert!(
        err.contains("swiss.toml:9:") && err.contains("hint"),
        "{err}"
    );
    let locate = write_profile(
        &dir,
        "locate",
        &format!(
            "{AXES}[locate]\nhash = [\"fnv1a\"]\nindex = [\"modulo\"]\nkeys = [\"u64\"]\nn = [1000]\nbuckets = [4294967296]\n"
        ),
    );
    let (code, _, err) = mapamp(&["profile", "check", s(&locate)]);
    if code == 0 {
        eprintln!("SKIPPED: this machine has memory for 2^32 locate counters");
    } else {
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("locate.toml:13:") && err.contains("buckets"),
            "{err}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn churn_sizes_are_bounded_before_running() {
    let err = refused(&[
        "inspect",
        "--n",
        "100",
        "--workload",
        "churn",
        "--k",
        "1000000000000",
        "--rounds",
        "1",
    ]);
    assert!(err.contains("--k 1000000000000"), "{err}");
    let err = refused(&[
        "inspect",
        "--n",
        "0",
        "--workload",
        "churn",
        "--rounds",
        "18446744073709551615",
    ]);
    assert!(err.contains("--rounds") && err.contains("10000"), "{err}");
}

// ---- 6. a closed pipe ends the output quietly ----

#[test]
fn a_closed_pipe_is_not_a_panic() {
    // About 20,000 cell ids, far more than a pipe buffers, of cells that fit anywhere.
    let dir = scratch("pipe");
    let ns: Vec<String> = (16..116).map(|n| n.to_string()).collect();
    let p = write_profile(
        &dir,
        "many",
        &format!(
            "[axes]\nscenario = [\"assign\", \"insert\", \"update\", \"churn\", \"evacuate_double\", \"evacuate_same_size\", \"overflow\"]\nvariant = [\"gomap\", \"gomap-slab\", \"gomap-inline\", \"hashbrown\", \"std\"]\nn = [{}]\nkeys = [\"random\"]\nkey_size = [8, 16, 32, 64, 128, 256]\nvalue_size = [8]\n",
            ns.join(", ")
        ),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .current_dir(ROOT)
        .args(["profile", "cells", s(&p)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped: the pipe closes, as with `| head -1`.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(first.starts_with("assign/"), "{first}{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- 8. messages that name the real problem ----

#[test]
fn profile_paths_that_are_not_files_say_so() {
    let dir = scratch("profile-paths");
    let err = refused(&["profile", "check", s(&dir)]);
    assert!(err.contains("is a folder"), "{err}");
    let err = refused(&["profile", "check", "/dev/zero"]);
    assert!(err.contains("not a regular file"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn profile_errors_state_the_real_rule() {
    let dir = scratch("profile-rules");
    let long = "a".repeat(300);
    for name in ["\"..\"", "\".\"", long.as_str(), "\"a/b\""] {
        let p = write_profile(&dir, "names", &format!("{AXES}[configs.{name}]\n"));
        let (code, _, err) = mapamp(&["profile", "check", s(&p)]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains("1 to 64") && err.contains("not `.` or `..`"),
            "{name}: {err}"
        );
    }
    let p = write_profile(
        &dir,
        "dup",
        &format!("{AXES}[configs.a]\nhint = \"n\"\n[configs.a]\n"),
    );
    let err = refused(&["profile", "check", s(&p)]);
    assert!(err.contains("configuration `a` is defined twice"), "{err}");
    let p = write_profile(&dir, "scen", &AXES.replace("\"insert\"", "\"nope\""));
    let err = refused(&["profile", "check", s(&p)]);
    let valid = err.split("valid scenarios:").nth(1).unwrap_or_default();
    let listed = valid.split('(').next().unwrap_or_default();
    assert!(
        listed.contains("insert") && !listed.contains("locate"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Compares the fixture with a copy whose first cell with `lenses.<lens>.<field>`
/// has `value` there; expects exit code 2 and no output folder. Returns the
/// cell's id and the message.
fn compare_edited(root: &Path, lens: &str, field: &str, value: Value) -> (String, String) {
    let bad = root.join("bad");
    let _ = std::fs::remove_dir_all(&bad);
    copy_dir(&fixture("base"), &bad);
    let mut id = String::new();
    edit_report(&bad, |v| {
        let c = v["cells"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["lenses"][lens].get(field).is_some())
            .unwrap();
        id = c["id"].as_str().unwrap().to_string();
        c["lenses"][lens][field] = value;
    });
    let out = root.join("o");
    let err = refused(&["compare", s(&fixture("base")), s(&bad), "--out", s(&out)]);
    assert!(
        !out.exists(),
        "a refused comparison wrote {}",
        out.display()
    );
    (id, err)
}

/// Values serde cannot read (a float in a count, a string in a time) and
/// figures no measurement gives (times and WA of 0 or below): refused, with
/// the cell and the field named.
#[test]
fn invalid_or_impossible_report_figures_name_the_cell_and_the_field() {
    let root = scratch("cmp-fields");
    for (lens, field, value, said) in [
        ("callgrind", "ir", serde_json::json!(1e26), "ir"),
        ("time", "ns_per_op", serde_json::json!("NaN"), "ns_per_op"),
        (
            "time",
            "ns_per_op",
            serde_json::json!(-5.0),
            "ns_per_op = -5",
        ),
        ("time", "ns_per_op", serde_json::json!(0.0), "ns_per_op = 0"),
        (
            "accounting",
            "write_amplification",
            serde_json::json!(0.0),
            "write_amplification = 0",
        ),
        (
            "accounting",
            "write_amplification",
            serde_json::json!(-1.0),
            "write_amplification = -1",
        ),
    ] {
        let (id, err) = compare_edited(&root, lens, field, value);
        let named = err.contains(&id) && err.contains(&format!("lenses.{lens}.{said}"));
        assert!(named, "{lens}.{field}: {err}");
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_selector_lists_only_map_configurations() {
    let root = scratch("cmp-locate");
    let with_locate = root.join("r");
    copy_dir(&fixture("base"), &with_locate);
    edit_report(&with_locate, |v| {
        let cells = v["cells"].as_array_mut().unwrap();
        let mut l = cells[0].clone();
        l["id"] = "locate/fnv1a/modulo/n=1000/keys=u64/m=1024".into();
        l["axes"]["scenario"] = "locate".into();
        cells.push(l);
    });
    let a = format!("{}#config=nope", s(&with_locate));
    let err = refused(&["compare", &a, s(&fixture("base"))]);
    assert!(err.contains("go-default, presized"), "{err}");
    assert!(!err.contains("modulo"), "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

// ---- 9. smaller ----

#[test]
fn zero_callgrind_jobs_are_refused() {
    let err = refused(&[
        "run",
        "--profile",
        "smoke",
        "--callgrind-jobs",
        "0",
        "--out",
        "/nonexistent/x",
    ]);
    assert!(err.contains("1 to 256"), "{err}");
}

#[test]
fn one_bucket_has_no_chi_squared_p_value() {
    let (code, out, err) = mapamp(&[
        "locate",
        "--buckets",
        "1",
        "--n",
        "100",
        "--repetitions",
        "1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["chi2_p"].is_null(), "{v}");
    let (_, text, _) = mapamp(&[
        "locate",
        "--buckets",
        "1",
        "--n",
        "100",
        "--repetitions",
        "1",
    ]);
    assert!(text.contains("p = n/a"), "{text}");
}

#[test]
fn ctrl_c_says_how_to_continue() {
    let root = scratch("ctrl-c");
    let out = root.join("r");
    let args = [
        "run",
        "--profile",
        "smoke",
        "--out",
        s(&out),
        "--cells",
        "gomap/",
        "--lenses",
        "accounting",
    ];
    let child = Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .current_dir(ROOT)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !out.join("run.json").exists() {
        assert!(Instant::now() < deadline, "the run never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: sends SIGINT to the child we started, as Ctrl-C would.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    if o.status.code() == Some(0) {
        eprintln!("SKIPPED: the run finished before the signal");
        return;
    }
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        err.contains("--resume") && err.contains("interrupted"),
        "{err}"
    );
    // The command it prints (the same, plus --resume) continues the run.
    let cmd = err.split('`').nth(1).expect("a command in backquotes");
    let words: Vec<&str> = cmd
        .split_whitespace()
        .map(|w| w.trim_matches('\''))
        .collect();
    assert_eq!(words[0], "mapamp", "{cmd}");
    assert_eq!(words[1..words.len() - 1], args, "{cmd}");
    assert_eq!(words.last(), Some(&"--resume"), "{cmd}");
    let (code, _, err) = mapamp(&words[1..]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn every_proptest_regressions_file_belongs_to_a_test_file() {
    let dirs = [
        Path::new(ROOT).join("tests"),
        Path::new(ROOT).join("tests/it"),
    ];
    let entries = dirs.iter().flat_map(|d| std::fs::read_dir(d).unwrap());
    for e in entries {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "proptest-regressions") {
            let rs = p.with_extension("rs");
            assert!(
                rs.is_file(),
                "{} has no {}: its saved cases never run",
                p.display(),
                rs.display()
            );
        }
    }
}

#[test]
fn the_docs_list_every_bounded_input() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("docs/limits.md")).unwrap();
    let table = mapamp::limits::markdown_table();
    assert!(
        readme.contains(&table),
        "docs/limits.md's table of bounded inputs differs from mapamp::limits::TABLE; it should read:\n{table}"
    );
}
