//! Paired, interleaved speed ratio of the Go model against hashbrown:
//! insert 1,000,000 random u64 → u64 keys into an empty map.
//!
//! Criterion runs benchmarks one after another, so on a shared machine the
//! load drifts between them. Here every round builds each map once, in
//! rotating order, and the ratio is taken *within* the round; the report is
//! the median ratio over rounds with a bootstrap 95% interval. Dropping a
//! map is not timed. glibc's mmap threshold is pinned so no variant inherits
//! allocator state left by another.
//!
//! With a size hint a fourth row, `layout floor`, times a bare loop that
//! writes Go's bucket layout and nothing else: the fastest any map of that
//! layout can be here, so `gomap / hashbrown` reads against it.
//!
//! `goswiss` (the Go Swiss-map model, accounting off) runs in the same
//! rounds, and so does the real Go map when a Go 1.24+ toolchain is on
//! PATH (`go/cmd/swissbench`, built once, one process per round timing
//! its own pass after a warm-up pass); `goswiss / go 1.26 map` pairs them.
//!
//! `cargo bench --bench speed_ratio` (rounds: `MAPAMP_ROUNDS`, default 15;
//! one under `cargo test` or `-- --test`).
//!
//! It reads criterion's command line ([`common::args`]): its two cells,
//! `speed_ratio/no-hint` and `speed_ratio/hint=n`, obey the filter and
//! `--list`, and print `speed_ratio: cell i of n` as they start. Baselines
//! work as in criterion, on the per-round ratios (criterion's files cannot
//! hold a ratio): every measuring run is compared with a saved baseline —
//! `--baseline NAME` (must exist), `--baseline-lenient NAME`, else the one
//! it is about to overwrite — and saved as `--save-baseline NAME`, as `new`
//! after a comparison with `--baseline`, else as `base`; the files are
//! `target/criterion/speed_ratio/<name>/ratios.json`. A comparison prints
//! both medians, the change and a two-sided Mann–Whitney U p-value over
//! the rounds; it names no verdict (`mapamp compare` gives verdicts).

mod common;

use common::args::{BaselineUse, BenchArgs, Mode};
use common::Progress;
use mapamp::accounting::Off;
use mapamp::gomap::{GoHeap, GoMap, Knobs, Slab, Storage};
use mapamp::gotype::Shape;
use mapamp::hash::{KeyHasher, SeededHash};
use mapamp::rng::Rng;
use mapamp::stats::median;
use mapamp::stats::replicates::hierarchical_ci;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const N: usize = 1_000_000;

fn time_gomap<S: Storage>(keys: &[u64], hint: usize) -> Duration {
    let t = Instant::now();
    let u64_shape = Shape::words(1);
    let mut m: GoMap<SeededHash, Off, S> =
        GoMap::with_config(u64_shape, u64_shape, Knobs::default(), hint, 7, SeededHash);
    for &k in keys {
        // The scenarios' entry point: key and value bytes; the map's type
        // sends 8-byte keys down `mapassign_fast64`.
        m.insert(&k.to_le_bytes(), &k.to_le_bytes());
    }
    let e = t.elapsed();
    drop(black_box(m));
    e
}

fn time_goswiss(keys: &[u64], hint: usize) -> Duration {
    use mapamp::goswiss::{GoHash, GoSwiss, Release};
    let t = Instant::now();
    let u64_shape = Shape::words(1);
    let mut m: GoSwiss<GoHash, Off> =
        GoSwiss::with_config(u64_shape, u64_shape, Release::Go126, hint, 7, GoHash);
    for &k in keys {
        // As for gomap: bytes in, the type's fast route (mapassign_fast64).
        m.insert(&k.to_le_bytes(), &k.to_le_bytes());
    }
    let e = t.elapsed();
    drop(black_box(m));
    e
}

/// The real Go map (Go >= 1.24 on PATH): `go/cmd/swissbench`, built once
/// into `target/`, run once per round (its own warm-up pass, then one timed
/// pass of the same workload). `Err` says why it cannot run.
fn go_bench() -> Result<std::path::PathBuf, String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target").join("swissbench");
    let v = std::process::Command::new("go")
        .arg("version")
        .output()
        .map_err(|e| format!("no `go` on PATH ({e})"))?;
    let v = String::from_utf8_lossy(&v.stdout).to_string();
    let minor: u32 = v
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.strip_prefix("go1."))
        .and_then(|s| s.split('.').next())
        .and_then(|s| s.parse().ok())
        .ok_or(format!("cannot read the Go version from `{}`", v.trim()))?;
    if minor < 24 {
        return Err(format!("{} has no Swiss map (needs Go 1.24+)", v.trim()));
    }
    let st = std::process::Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg("./cmd/swissbench")
        .current_dir(root.join("go"))
        .status()
        .map_err(|e| format!("go build: {e}"))?;
    if !st.success() {
        return Err("go build ./cmd/swissbench failed".into());
    }
    Ok(out)
}

fn time_go(bin: &std::path::Path, hint: usize) -> Duration {
    let out = std::process::Command::new(bin)
        .args([
            "-n",
            &N.to_string(),
            &format!("-hint={}", hint > 0),
            "-passes",
            "1",
        ])
        .output()
        .expect("swissbench runs");
    let ms: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("swissbench prints milliseconds");
    Duration::from_secs_f64(ms / 1e3)
}

fn time_hashbrown(keys: &[u64], hint: usize) -> Duration {
    let t = Instant::now();
    let mut m: hashbrown::HashMap<u64, u64> = hashbrown::HashMap::with_capacity(hint);
    for &k in keys {
        m.insert(k, k);
    }
    let e = t.elapsed();
    drop(black_box(m));
    e
}

/// The floor of Go's layout: a bare loop that does only what an insert of a
/// new key into a presized map of Go's layout must do (hash, pick the
/// bucket, load its tophash word, check for `emptyRest` and a tophash match,
/// write key, value and tophash) and nothing else: no map header, no growth
/// or overflow handling (an insert that finds its main bucket full or a
/// tophash match is skipped). No map can be faster with this layout, so the
/// gap between it and hashbrown is what the layout costs.
fn time_layout_floor(keys: &[u64], hint: usize) -> Duration {
    use mapamp::gomap::layout::{
        first_slot, slots_empty, slots_matching, slots_rest, tophash, with_top,
    };
    use mapamp::gomap::{b_for_hint, buckets_allocated};
    const BW: usize = 18; // 8-byte keys and values: tophash word, 8 keys, 8 values, link
    let t = Instant::now();
    let b = b_for_hint(hint, 6.5);
    let mut arr =
        mapamp::gomap::storage::zeroed_array(buckets_allocated(b, BW as u64 * 8, true) * BW);
    let mask = (1usize << b) - 1;
    let seed = 7;
    for &k in keys {
        let hash = SeededHash.hash_u64(k, seed);
        let top = tophash(hash);
        let i = hash as usize & mask;
        let bucket = &mut arr[i * BW..(i + 1) * BW];
        mapamp::gomap::prefetch::after_first_line(mapamp::mem::bytes_of(bucket));
        let w = bucket[0];
        if slots_rest(w) == 0 || slots_matching(w, top) != 0 {
            continue;
        }
        let slot = first_slot(slots_empty(w));
        bucket[1 + slot] = k;
        bucket[9 + slot] = k;
        bucket[0] = with_top(w, slot, top);
    }
    let e = t.elapsed();
    drop(black_box(arr));
    e
}

/// The two cells: id, label, size hint.
const CELLS: [(&str, &str, usize); 2] = [
    ("speed_ratio/no-hint", "no hint", 0),
    ("speed_ratio/hint=n", "hint = N", N),
];

/// What a baseline keeps: per cell, per variant, the ratio to hashbrown of
/// every round (and, under the key `goswiss / go 1.26 map`, that pair's).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    /// Rounds per cell.
    rounds: usize,
    /// Cell id → variant → per-round ratio to hashbrown (or the pair named).
    ratios: BTreeMap<String, BTreeMap<String, Vec<f64>>>,
}

fn baseline_file(name: &str) -> PathBuf {
    common::notice::target_dir()
        .join("criterion")
        .join("speed_ratio")
        .join(name)
        .join("ratios.json")
}

fn load_baseline(name: &str) -> Result<Option<Saved>, String> {
    let path = baseline_file(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{}: not a speed_ratio baseline: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Which baseline to compare with (and whether it must exist) and under
/// which name to save, as criterion does.
fn baseline_plan(args: &BenchArgs) -> (String, bool, String) {
    match args.baseline() {
        Some(BaselineUse::Compare { name, strict }) => (name, strict, "new".to_string()),
        Some(BaselineUse::Save(name)) => (name.clone(), false, name),
        None => ("base".into(), false, "base".into()),
    }
}

fn valid_baseline_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(format!(
            "baseline name `{name}` must be a plain file name (no `/`, not `.` or `..`)"
        ));
    }
    Ok(())
}

fn fail(msg: String) -> ! {
    eprintln!("speed_ratio: {msg}");
    std::process::exit(2);
}

fn main() {
    // SAFETY: mallopt only changes allocator parameters; called before any
    // benchmark allocation, from the only thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    let args = BenchArgs::from_env();
    let cells: Vec<_> = CELLS
        .into_iter()
        .filter(|(id, _, _)| args.selects(id))
        .collect();
    if args.mode == Mode::List {
        for (id, _, _) in &cells {
            println!("{id}: benchmark");
        }
        return;
    }
    if cells.is_empty() {
        eprintln!(
            "speed_ratio: the filter selects none of its cells ({})",
            CELLS.map(|c| c.0).join(", ")
        );
        return;
    }
    let measuring = args.mode == Mode::Measure;
    let rounds: usize = match std::env::var("MAPAMP_ROUNDS") {
        Ok(s) => match s.parse() {
            Ok(r) if r > 0 => r,
            _ => fail(format!(
                "MAPAMP_ROUNDS={s}: give a whole number of rounds, at least 1"
            )),
        },
        Err(_) => {
            if measuring {
                15
            } else {
                1
            }
        }
    };
    let (compare_with, must_exist, save_as) = baseline_plan(&args);
    for name in [&compare_with, &save_as] {
        valid_baseline_name(name).unwrap_or_else(|e| fail(e));
    }
    // criterion neither compares nor saves when it only checks that the
    // benchmarks run.
    let baseline = if measuring {
        match load_baseline(&compare_with) {
            Ok(None) if must_exist => fail(format!(
                "--baseline {compare_with}: no saved baseline at {}; save one with --save-baseline {compare_with}",
                baseline_file(&compare_with).display()
            )),
            Ok(b) => b,
            Err(e) => fail(e),
        }
    } else {
        None
    };
    let mut saved = Saved {
        rounds,
        ratios: BTreeMap::new(),
    };
    let mut r = Rng::new(42);
    let keys: Vec<u64> = (0..N).map(|_| r.next_u64()).collect();
    println!("insert {N} random u64->u64 keys into an empty map; {rounds} interleaved rounds");
    let go = go_bench();
    if let Err(why) = &go {
        println!("real Go map: unavailable ({why})");
    }
    let mut progress = Progress::new("speed_ratio", cells.len());
    for (id, label, hint) in cells {
        progress.next(id);
        type Timer<'a> = Box<dyn Fn() -> Duration + 'a>;
        let mut variants: Vec<(&str, Timer)> = vec![
            ("gomap", Box::new(|| time_gomap::<GoHeap>(&keys, hint))),
            ("gomap-slab", Box::new(|| time_gomap::<Slab>(&keys, hint))),
            ("goswiss", Box::new(|| time_goswiss(&keys, hint))),
        ];
        if let Ok(bin) = &go {
            variants.push(("go 1.26 map", Box::new(move || time_go(bin, hint))));
        }
        if hint == N {
            // The floor only exists for a presized map (it does not grow).
            variants.push(("layout floor", Box::new(|| time_layout_floor(&keys, hint))));
        }
        variants.push(("hashbrown", Box::new(|| time_hashbrown(&keys, hint))));
        // Warm-up round.
        for (_, f) in &variants {
            f();
        }
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
        for round in 0..rounds {
            for j in 0..variants.len() {
                let v = (round + j) % variants.len();
                times[v].push(variants[v].1().as_secs_f64() * 1e3);
            }
        }
        let hb = variants.len() - 1;
        println!("\n{label} ({id}):");
        for (v, (name, _)) in variants.iter().enumerate() {
            println!(
                "  {name:<12} median {:>8.2} ms",
                median(&times[v]).expect("rounds > 0")
            );
        }
        let cell_ratios = saved.ratios.entry(id.to_string()).or_default();
        // Every variant against hashbrown, and goswiss against the real Go
        // map when it ran.
        let mut pairs: Vec<(usize, usize)> = (0..hb).map(|v| (v, hb)).collect();
        let at = |name: &str| variants.iter().position(|(n, _)| *n == name);
        if let (Some(s), Some(g)) = (at("goswiss"), at("go 1.26 map")) {
            pairs.push((s, g));
        }
        for (v, w) in pairs {
            let ratios: Vec<f64> = times[v].iter().zip(&times[w]).map(|(a, b)| a / b).collect();
            // Each round is its own replicate: a plain bootstrap of the median.
            let rounds: Vec<Vec<f64>> = ratios.iter().map(|&r| vec![r]).collect();
            let (lo, hi) = hierarchical_ci(&rounds, 2000, 42).expect("rounds > 0");
            let m = median(&ratios).expect("rounds > 0");
            let key = if w == hb {
                variants[v].0.to_string()
            } else {
                format!("{} / {}", variants[v].0, variants[w].0)
            };
            println!(
                "  {} / {}: median ratio {m:.2} (95% CI {lo:.2}-{hi:.2})",
                variants[v].0, variants[w].0,
            );
            if let Some(before) = baseline
                .as_ref()
                .and_then(|b| b.ratios.get(id))
                .and_then(|c| c.get(&key))
            {
                print_change(&compare_with, before, &ratios);
            }
            cell_ratios.insert(key, ratios);
        }
    }
    if measuring {
        let path = baseline_file(&save_as);
        let json = serde_json::to_string_pretty(&saved).expect("serialisable");
        match mapamp::fsutil::write_atomic(&path, json.as_bytes()) {
            Ok(()) => println!(
                "\nratios saved as baseline `{save_as}` ({})",
                path.display()
            ),
            Err(e) => fail(e.into()),
        }
    }
}

/// One ratio against the same ratio in a baseline.
fn print_change(name: &str, before: &[f64], now: &[f64]) {
    let (Some(b), Some(n)) = (median(before), median(now)) else {
        return;
    };
    let p = mapamp::stats::rank::mann_whitney_u(before, now)
        .map_or("n/a".to_string(), |t| format!("{:.3}", t.p_value));
    println!(
        "      baseline `{name}`: {b:.2} -> {n:.2} ({:+.1}%), Mann-Whitney p = {p} ({} vs {} rounds)",
        (n - b) / b * 100.0,
        before.len(),
        now.len()
    );
}
