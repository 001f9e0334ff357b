//! The fuzz targets (`mapamp::fuzz`) on stable: every input of the seed
//! corpus (`fuzz/corpus/<target>/`), then mutations of it and random
//! inputs, for a budget. Not coverage-guided (that is `cargo +nightly fuzz`,
//! see `fuzz/`), but the same bodies, so CI always fuzzes.
//!
//! ```text
//! cargo test --test it fuzz::                                    # 2 s per target
//! MAPAMP_FUZZ_SECS=60 cargo test --test it fuzz:: -- --nocapture # a minute per target
//! MAPAMP_FUZZ_EXECS=1000000 cargo test --release --test it fuzz:: -- --nocapture
//! MAPAMP_FUZZ_SEED=7 ...                                    # another random stream
//! MAPAMP_FUZZ_REPLAY=target/fuzz-findings/x.bin cargo test --test it fuzz:: -- --nocapture
//! ```
//!
//! A finding (a mismatch with the oracle, a broken invariant, a panic) is
//! saved to `target/fuzz-findings/<target>-<hash>.bin` and fails the test
//! with the message and the command that replays it.

use mapamp::rng::Rng;
use mapamp::variants::Variant;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Longest input drawn (libFuzzer's default is 4096).
const MAX_LEN: usize = 4096;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a whole number"))
    })
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(ROOT).join("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let inputs: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(
        !inputs.is_empty(),
        "{}: the seed corpus is empty",
        dir.display()
    );
    inputs
}

/// A mutation of a corpus entry, or fresh random bytes.
fn next_input(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let below = |rng: &mut Rng, n: usize| rng.below(n.max(1) as u64) as usize;
    if rng.below(4) == 0 {
        let len = below(rng, MAX_LEN + 1);
        return (0..len).map(|_| rng.next_u64() as u8).collect();
    }
    let mut v = seeds[below(rng, seeds.len())].clone();
    for _ in 0..=below(rng, 8) {
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = below(rng, v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = below(rng, v.len());
                v[i] = rng.next_u64() as u8;
            }
            2 if v.len() < MAX_LEN => {
                let i = below(rng, v.len() + 1);
                let n = below(rng, 64) + 1;
                let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                v.splice(i..i, bytes);
            }
            3 if !v.is_empty() => {
                let i = below(rng, v.len());
                let n = below(rng, v.len() - i) + 1;
                v.drain(i..i + n);
            }
            _ => {
                // Splice: this entry's head, another's tail.
                let other = &seeds[below(rng, seeds.len())];
                let (i, j) = (below(rng, v.len() + 1), below(rng, other.len() + 1));
                v.truncate(i);
                v.extend_from_slice(&other[j..]);
            }
        }
    }
    v.truncate(MAX_LEN);
    v
}

/// FNV-1a, to name a finding's file and tell targets' random streams apart.
fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn finding(target: &str, data: &[u8], what: &str) -> ! {
    let dir = Path::new(ROOT).join("target/fuzz-findings");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{target}-{:016x}.bin", fnv(data)));
    std::fs::write(&path, data).unwrap();
    panic!(
        "fuzz target {target}: {what}\ninput saved to {}; replay with MAPAMP_FUZZ_REPLAY={} cargo test --test it fuzz::{target} -- --nocapture",
        path.display(),
        path.display()
    );
}

/// Runs `body` on one input; a returned error or a panic is a finding.
fn one(target: &str, body: &dyn Fn(&[u8]) -> Result<(), String>, data: &[u8]) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(data))) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => finding(target, data, &e),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic".into());
            finding(target, data, &format!("panicked: {msg}"));
        }
    }
}

fn fuzz(target: &str, body: &dyn Fn(&[u8]) -> Result<(), String>) {
    if let Ok(path) = std::env::var("MAPAMP_FUZZ_REPLAY") {
        if Path::new(&path)
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{target}-")))
        {
            one(target, body, &std::fs::read(&path).unwrap());
            eprintln!("{target}: {path} replays without a finding");
        }
        return;
    }
    let seeds = corpus(target);
    let started = Instant::now();
    for s in &seeds {
        one(target, body, s);
    }
    let secs = env_u64("MAPAMP_FUZZ_SECS").unwrap_or(2);
    let execs_goal = env_u64("MAPAMP_FUZZ_EXECS");
    let seed = env_u64("MAPAMP_FUZZ_SEED").unwrap_or(1);
    let mut rng = Rng::new(seed ^ fnv(target.as_bytes()));
    let budget = Duration::from_secs(secs);
    let mut execs = seeds.len() as u64;
    loop {
        let done = match execs_goal {
            Some(goal) => execs >= goal,
            None => started.elapsed() >= budget,
        };
        if done {
            break;
        }
        let input = next_input(&mut rng, &seeds);
        one(target, body, &input);
        execs += 1;
    }
    let t = started.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {target}: {execs} executions in {t:.1} s ({:.0}/s), seed corpus {} inputs, random stream {seed}: no finding",
        execs as f64 / t,
        seeds.len()
    );
}

fn model(variant: Variant) -> impl Fn(&[u8]) -> Result<(), String> {
    move |data| mapamp::fuzz::model(variant, data).map(|_| ())
}

#[test]
fn model_gomap() {
    fuzz("model_gomap", &model(Variant::GoMap));
}

#[test]
fn model_gomap_slab() {
    fuzz("model_gomap_slab", &model(Variant::GoMapSlab));
}

#[test]
fn model_gomap_inline() {
    fuzz("model_gomap_inline", &model(Variant::GoMapInline));
}

#[test]
fn model_goswiss() {
    fuzz("model_goswiss", &model(Variant::GoSwiss));
}

#[test]
fn model_hashbrown() {
    fuzz("model_hashbrown", &model(Variant::Hashbrown));
}

#[test]
fn model_std() {
    fuzz("model_std", &model(Variant::Std));
}

#[test]
fn profile() {
    fuzz("profile", &mapamp::fuzz::profile);
}

/// The fuzz bodies find what they are meant to find: a map that loses an
/// entry is caught (through a wrapper that drops every 50th insert).
#[test]
fn the_model_body_catches_a_lost_entry() {
    use mapamp::accounting::Counting;
    use mapamp::gomap::{GoMap, Knobs};
    use mapamp::gotype::Shape;
    use mapamp::hash::SeededHash;
    use mapamp::variants::MapUnderStudy;
    // Drive a deliberately broken map through the same checks.
    #[derive(Clone)]
    struct Lossy(GoMap<SeededHash, Counting>, u64);
    impl MapUnderStudy for Lossy {
        fn variant(&self) -> &'static str {
            "lossy"
        }
        fn key_shape(&self) -> Shape {
            self.0.key_shape()
        }
        fn elem_shape(&self) -> Shape {
            self.0.elem_shape()
        }
        fn insert(&mut self, k: &[u8], v: &[u8]) -> bool {
            self.1 += 1;
            if self.1.is_multiple_of(50) {
                return self.0.get(k).is_none();
            }
            self.0.insert(k, v)
        }
        fn get(&self, k: &[u8]) -> Option<&[u8]> {
            self.0.get(k)
        }
        fn remove(&mut self, k: &[u8]) -> bool {
            self.0.remove(k)
        }
        fn len(&self) -> usize {
            self.0.len()
        }
        fn clear(&mut self) {
            self.0.clear()
        }
        fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8])) {
            self.0.for_each(f)
        }
        fn accounting(&self) -> Option<mapamp::accounting::Accounting> {
            None
        }
        fn exactness(&self) -> mapamp::accounting::Exactness {
            mapamp::accounting::Exactness::Exact
        }
    }
    let mut rng = Rng::new(3);
    let mut caught = 0;
    for _ in 0..20 {
        let data: Vec<u8> = (0..2048).map(|_| rng.next_u64() as u8).collect();
        let map = Lossy(
            GoMap::with_config(
                Shape::words(1),
                Shape::words(1),
                Knobs::default(),
                0,
                1,
                SeededHash,
            ),
            0,
        );
        if mapamp::fuzz::check_sequence(map, &data).is_err() {
            caught += 1;
        }
    }
    assert!(
        caught >= 15,
        "only {caught} of 20 inputs caught a map that drops inserts"
    );
}
