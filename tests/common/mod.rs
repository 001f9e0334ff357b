//! Shared helpers for the behaviour tests: an oracle-checked operation
//! sequence runner generic over every map under study.

#![allow(dead_code)]

use mapamp::gotype::fill_from_id;
use mapamp::variants::MapUnderStudy;
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One step of a random operation sequence.
#[derive(Clone, Debug)]
pub enum Op {
    /// Insert or update key id with a value version.
    Insert(u64, u64),
    /// Look a key up.
    Get(u64),
    /// Delete a key.
    Remove(u64),
    /// Clear the map.
    Clear,
    /// Iterate the whole map and compare with the oracle.
    IterAll,
}

/// Operations over a key space of `keys` ids, weighted towards inserts so
/// maps grow through several generations, with enough deletes to churn.
pub fn ops(keys: u64, len: usize) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        10 => (0..keys, any::<u64>()).prop_map(|(k, v)| Op::Insert(k, v)),
        3 => (0..keys).prop_map(Op::Get),
        5 => (0..keys).prop_map(Op::Remove),
        1 => Just(Op::IterAll),
        1 => (0..40u8).prop_map(|x| if x == 0 { Op::Clear } else { Op::IterAll }),
    ];
    proptest::collection::vec(op, 1..len)
}

/// Runs `ops` on `map` and on a `std::collections::HashMap` oracle, checking
/// every answer, and calls `check` (e.g. structural invariants) after each step.
/// Keys and values are the bytes `gotype::fill_from_id` makes of the op's
/// ids, at the map's key and value sizes.
pub fn run_against_oracle<M: MapUnderStudy>(
    map: &mut M,
    ops: &[Op],
    mut check: impl FnMut(&M) -> Result<(), String>,
) -> Result<(), TestCaseError> {
    let (ks, vs) = (map.key_shape().size, map.elem_shape().size);
    let bytes = |id: u64, size: usize| {
        let mut b = vec![0u8; size];
        fill_from_id(id, &mut b);
        b
    };
    let mut oracle: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    for (step, op) in ops.iter().enumerate() {
        match *op {
            Op::Insert(k, v) => {
                let (k, v) = (bytes(k, ks), bytes(v, vs));
                let new = map.insert(&k, &v);
                prop_assert_eq!(
                    new,
                    oracle.insert(k, v).is_none(),
                    "step {}: insert {:?}",
                    step,
                    op
                );
            }
            Op::Get(k) => {
                let k = bytes(k, ks);
                prop_assert_eq!(
                    map.get(&k),
                    oracle.get(&k).map(|v| &v[..]),
                    "step {}: get",
                    step
                );
            }
            Op::Remove(k) => {
                let k = bytes(k, ks);
                prop_assert_eq!(
                    map.remove(&k),
                    oracle.remove(&k).is_some(),
                    "step {}: remove",
                    step
                );
            }
            Op::Clear => {
                map.clear();
                oracle.clear();
            }
            Op::IterAll => {
                let mut seen = HashMap::new();
                map.for_each(&mut |k, v| {
                    assert!(
                        seen.insert(k.to_vec(), v.to_vec()).is_none(),
                        "key {k:?} returned twice"
                    );
                });
                prop_assert_eq!(&seen, &oracle, "step {}: iteration", step);
            }
        }
        prop_assert_eq!(map.len(), oracle.len(), "step {}: len after {:?}", step, op);
        if let Err(e) = check(map) {
            return Err(TestCaseError::fail(format!(
                "step {step} after {op:?}: {e}"
            )));
        }
    }
    for (k, v) in &oracle {
        prop_assert_eq!(map.get(k), Some(&v[..]));
    }
    Ok(())
}

/// A hasher that sends keys to few buckets (low bits from `id % spread`)
/// with few distinct tophashes, forcing long chains and same-size growth.
pub fn colliding(spread: u64) -> impl Fn(&[u8], u64) -> u64 + Clone {
    move |w: &[u8], seed: u64| {
        let id = mapamp::gotype::id_of(w);
        let low = (id % spread).wrapping_add(seed & 1);
        let top = (id % 7) << 56;
        top | low
    }
}

/// A map that can be iterated while it is written (the Go models'
/// iterators stay valid across growth).
pub trait IterDuringWrites: MapUnderStudy {
    /// The iterator's position.
    type Iter;
    /// Starts an iterator.
    fn iter_begin(&mut self) -> Self::Iter;
    /// The next entry (key and value bytes), or `None` at the end.
    fn iter_step(&mut self, it: &mut Self::Iter) -> Option<(Vec<u8>, Vec<u8>)>;
}

impl<H: mapamp::hash::KeyHasher, P: mapamp::accounting::Probe, S: mapamp::gomap::Storage>
    IterDuringWrites for mapamp::gomap::GoMap<H, P, S>
{
    type Iter = mapamp::gomap::GoIter;
    fn iter_begin(&mut self) -> Self::Iter {
        self.iter_start()
    }
    fn iter_step(&mut self, it: &mut Self::Iter) -> Option<(Vec<u8>, Vec<u8>)> {
        self.iter_next(it).map(|(k, v)| (k.to_vec(), v.to_vec()))
    }
}

impl<H: mapamp::hash::KeyHasher, P: mapamp::accounting::Probe> IterDuringWrites
    for mapamp::goswiss::GoSwiss<H, P>
{
    type Iter = mapamp::goswiss::SwissIter;
    fn iter_begin(&mut self) -> Self::Iter {
        self.iter_start()
    }
    fn iter_step(&mut self, it: &mut Self::Iter) -> Option<(Vec<u8>, Vec<u8>)> {
        self.iter_next(it).map(|(k, v)| (k.to_vec(), v.to_vec()))
    }
}

/// Iteration interleaved with writes: `initial` keys, then for each step
/// one write (insert a new key, delete or update a key present at the
/// start) and one iterator step. Every key present for the whole iteration
/// must come back exactly once, none twice, each with its current value.
/// Keys and values are `fill_from_id` bytes at the map's sizes.
pub fn run_iteration<M: IterDuringWrites>(
    m: &mut M,
    initial: u64,
    steps: &[(u8, u64, u64)],
) -> Result<(), TestCaseError> {
    use std::collections::HashSet;
    let (ks, vs) = (m.key_shape().size, m.elem_shape().size);
    let bytes = |id: u64, size: usize| {
        let mut b = vec![0u8; size];
        fill_from_id(id, &mut b);
        b
    };
    let mut oracle: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    for id in 0..initial {
        let (k, v) = (bytes(id, ks), bytes(id, vs));
        m.insert(&k, &v);
        oracle.insert(k, v);
    }
    let at_start: HashSet<Vec<u8>> = oracle.keys().cloned().collect();
    let mut removed: HashSet<Vec<u8>> = HashSet::new();
    let mut returned: HashSet<Vec<u8>> = HashSet::new();
    // Keys written during the iteration are ids from here on (1000 while
    // `initial` is below it, as the saved regression cases were found with).
    let fresh = initial.max(1000);
    let mut it = m.iter_begin();
    let mut step = 0;
    loop {
        // Interleave: one write (if any left), then one iterator step.
        if let Some(&(kind, id, val)) = steps.get(step) {
            let k = bytes(fresh + id, ks);
            let k_old = bytes(id % initial.max(1), ks);
            let v = bytes(val, vs);
            match kind {
                0 | 1 => {
                    m.insert(&k, &v);
                    oracle.insert(k, v);
                }
                2 => {
                    if m.remove(&k_old) {
                        removed.insert(k_old.clone());
                    }
                    oracle.remove(&k_old);
                }
                _ => {
                    // Update a key that was present at start.
                    if oracle.contains_key(&k_old) {
                        m.insert(&k_old, &v);
                        oracle.insert(k_old, v);
                    }
                }
            }
            m.check_invariants().map_err(TestCaseError::fail)?;
            step += 1;
        }
        match m.iter_step(&mut it) {
            Some((k, v)) => {
                prop_assert!(returned.insert(k.clone()), "key {:?} returned twice", k);
                prop_assert_eq!(
                    Some(&v),
                    oracle.get(&k),
                    "stale or absent value for {:?}",
                    k
                );
            }
            None => {
                if step >= steps.len() {
                    break;
                }
                // Iterator finished early: keep writing, then stop.
                step = steps.len();
            }
        }
    }
    for k in at_start.difference(&removed) {
        prop_assert!(
            returned.contains(k),
            "key {:?} present throughout was never returned",
            k
        );
    }
    Ok(())
}

/// A new, empty scratch folder for one test: `<tmp>/mapamp-<name>-<random>`,
/// created exclusively, so tests that run side by side (or a run that reuses
/// an earlier process's id) never share one. It is kept after the test, for
/// a failure to be looked at.
pub fn scratch(name: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(&format!("mapamp-{name}-"))
        .tempdir()
        .expect("a scratch folder in the temporary directory")
        .keep()
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Runs the `mapamp` binary of this build: (exit code, stdout, stderr).
pub fn mapamp(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mapamp"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `scripts/check-metrics.py` on a report folder with Debian's Python
/// (its `prometheus_client`); skips visibly where that is not installed.
pub fn check_metrics(dir: &Path) {
    python_check(
        "check-metrics.py",
        "prometheus_client.parser",
        "python3-prometheus-client",
        &[dir.as_os_str()],
    );
}

/// Runs `scripts/<script>` with Debian's `/usr/bin/python3` and asserts it
/// passes (exit 0 and `result: PASS`); skips visibly, naming the Debian
/// `packages` to install, where that Python cannot import `modules`.
pub fn python_check(script: &str, modules: &str, packages: &str, args: &[&std::ffi::OsStr]) {
    let py = Path::new("/usr/bin/python3");
    let importable = py.exists()
        && std::process::Command::new(py)
            .args(["-c", &format!("import {modules}")])
            .status()
            .is_ok_and(|s| s.success());
    if !importable {
        eprintln!("SKIPPED {script}: /usr/bin/python3 cannot import {modules} (apt-get install -y {packages}); .ci/run installs it");
        return;
    }
    let out = std::process::Command::new(py)
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scripts")
                .join(script),
        )
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("result: PASS"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Go toolchain of every release found here; each missing one, and
/// none at all, prints `SKIPPED <what> on <release>` with the reason.
pub fn go_toolchains(what: &str) -> Vec<mapamp::golang::toolchain::Toolchain> {
    use mapamp::golang::{toolchain, GoRelease};
    let found: Vec<_> = GoRelease::ALL
        .into_iter()
        .filter_map(|r| match toolchain::find(r) {
            Ok(tc) => Some(tc),
            Err(e) => {
                eprintln!("SKIPPED {what} on {r}: {e}");
                None
            }
        })
        .collect();
    if found.is_empty() {
        eprintln!("SKIPPED {what}: no Go toolchain found");
    }
    found
}

/// Holds `actual` to the golden file `tests/data/<dir>/<name>.snap`
/// (insta): a difference fails with a line diff. After an intended change,
/// `INSTA_UPDATE=always cargo test --test it <area>::` rewrites the file
/// (or `cargo insta review`); review it with `git diff tests/data/`.
pub fn golden(dir: &str, name: &str, actual: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(dir),
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, actual));
}
