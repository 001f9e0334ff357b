//! Instruction counts per cell under callgrind (gungraun), setup excluded.
//!
//! Matrix: every cell of the profile (`MAPAMP_PROFILE`, a name or a path;
//! default `quick`). gungraun runs each cell in its own process under
//! valgrind: the setup (`prepare`) runs outside the benchmark function and
//! is not counted; the benchmark function runs the measured region once.
//! Callgrind counts instructions (Ir) and, with `--cache-sim=yes`, simulated
//! cache misses; counts are identical across reruns of the same binary.
//!
//! Needs the pinned `gungraun-runner` (`scripts/install-gungraun-runner.sh`)
//! and valgrind. Where one is missing, the target prints one notice (what
//! is missing, what it would have measured, the install command), writes it
//! to `target/gungraun/NOTICE-instructions.txt` and exits 0, so `cargo
//! bench` goes on with the other targets; `MAPAMP_BENCH_STRICT=1` (CI) makes
//! it exit 1 instead. The check is the runner shim's
//! (`scripts/gungraun-runner-shim --check`).
//!
//! ```text
//! MAPAMP_PROFILE=smoke cargo bench --bench instructions
//! MAPAMP_PROFILE=smoke cargo bench --bench instructions -- 'evacuate_double/gomap/'
//! cargo bench --bench instructions -- --save-baseline before    # then --baseline before
//! ```
//!
//! The command line is criterion's ([`common::args`]): the filter selects
//! cells by id, as in `copy_paths`, and baseline options may be written
//! `--save-baseline before` (gungraun itself needs `--save-baseline=before`).
//! This target therefore runs gungraun in a child process of itself with
//! the translated options, and adds `cell i of n: <cell id>` to gungraun's
//! header of each benchmark (gungraun names them `cell_<i>`, from 0, in the
//! order of `mapamp profile cells <profile>` after the filter).

mod common;

use common::args::{gungraun_args, BenchArgs, Mode};
use common::notice::{self, MissingTool};
use gungraun::{library_benchmark, library_benchmark_group, Callgrind, LibraryBenchmarkConfig};
use mapamp::accounting::Off;
use mapamp::scenario::{prepare_any, CellSpec, Runnable};
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const BENCH: &str = "instructions";
/// Set in the child that runs gungraun.
const CHILD_ENV: &str = "MAPAMP_BENCH_GUNGRAUN_CHILD";
/// The cell filter (criterion's, a regular expression) for `cells()` in
/// every process gungraun starts.
const FILTER_ENV: &str = "MAPAMP_BENCH_FILTER";
/// Set when the filter is exact (`--exact`).
const EXACT_ENV: &str = "MAPAMP_BENCH_EXACT";

/// A cell as a benchmark argument: shown by its id.
struct Cell(CellSpec);

impl std::fmt::Debug for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.id().as_str())
    }
}

/// The filter as the environment carries it.
fn env_filter() -> BenchArgs {
    let mut argv = vec!["--bench".to_string()];
    if std::env::var_os(EXACT_ENV).is_some() {
        argv.push("--exact".into());
    }
    argv.extend(std::env::var(FILTER_ENV).ok());
    BenchArgs::parse(argv).unwrap_or_else(|e| {
        eprintln!("mapamp bench {BENCH}: {e}");
        std::process::exit(2);
    })
}

/// The profile's cells `filter` selects, in profile order.
fn selected_cells(filter: &BenchArgs) -> Vec<CellSpec> {
    common::profile()
        .cells()
        .cells
        .into_iter()
        .filter(|c| filter.selects(c.id().as_str()))
        .collect()
}

/// gungraun's benchmark arguments (in every process it starts).
fn cells() -> Vec<Cell> {
    selected_cells(&env_filter())
        .into_iter()
        .map(Cell)
        .collect()
}

fn prepare(cell: Cell) -> Box<dyn Runnable> {
    prepare_any::<Off>(&cell.0).unwrap_or_else(|e| panic!("{}: {e}", cell.0.id()))
}

#[library_benchmark]
#[benches::cell(iter = cells(), setup = prepare)]
fn region(mut prepared: Box<dyn Runnable>) -> u64 {
    black_box(prepared.run().ops)
}

library_benchmark_group!(name = profile_cells; benchmarks = region);

/// gungraun's own entry point (its `main!`), as a nested function so this
/// target's `main` can run first.
fn gungraun_main() {
    gungraun::main!(
        config = LibraryBenchmarkConfig::default()
            .pass_through_envs(["MAPAMP_PROFILE", FILTER_ENV, EXACT_ENV])
            .tool(Callgrind::with_args(["--cache-sim=yes"]));
        library_benchmark_groups = profile_cells
    );
    main()
}

/// What the runner shim's `--check` says is missing, if anything.
fn missing_tool() -> Option<MissingTool> {
    let shim = option_env!("GUNGRAUN_RUNNER")?;
    let out =
        match Command::new(shim).arg("--check").output() {
            Ok(out) => out,
            Err(e) => return Some(MissingTool {
                bench: BENCH.into(),
                missing: format!("the gungraun runner shim `{shim}` cannot be run: {e}"),
                would_measure: would_measure(),
                install:
                    "a fresh checkout of the repository (the shim is scripts/gungraun-runner-shim)"
                        .into(),
            }),
        };
    if out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_string())
    };
    Some(MissingTool {
        bench: BENCH.into(),
        missing: field("missing:").unwrap_or_else(|| {
            format!(
                "the runner check failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )
        }),
        would_measure: would_measure(),
        install: field("install:").unwrap_or_else(|| "scripts/install-gungraun-runner.sh".into()),
    })
}

fn would_measure() -> String {
    "callgrind instruction counts (Ir) and simulated cache misses of each cell's measured region, one valgrind process per cell".into()
}

/// Runs gungraun in a child with the translated command line; adds
/// `cell i of n: <id>` to the header of each benchmark; returns its exit code.
fn run_gungraun(args: &BenchArgs) -> i32 {
    let (argv, dropped) = gungraun_args(args);
    if !dropped.is_empty() {
        eprintln!(
            "{BENCH}: criterion options that do not apply to instruction counts are ignored: {}",
            dropped.join(" ")
        );
    }
    let mut cmd = Command::new(std::env::current_exe().expect("own executable"));
    cmd.args(&argv).env(CHILD_ENV, "1").stdout(Stdio::piped());
    match (&args.filter, args.exact) {
        (Some(f), exact) => {
            cmd.env(FILTER_ENV, f);
            if exact {
                cmd.env(EXACT_ENV, "1");
            } else {
                cmd.env_remove(EXACT_ENV);
            }
        }
        (None, _) => {
            cmd.env_remove(FILTER_ENV).env_remove(EXACT_ENV);
        }
    }
    let ids: Vec<String> = selected_cells(args)
        .iter()
        .map(|c| c.id().to_string())
        .collect();
    if ids.is_empty() {
        eprintln!("{BENCH}: the filter selects no cell");
        return 0;
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{BENCH}: cannot start gungraun: {e}");
            return 1;
        }
    };
    let stdout = child.stdout.take().expect("piped");
    let mut out = std::io::stdout().lock();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let _ = writeln!(out, "{line}");
        if let Some(i) = benchmark_index(&line) {
            if let Some(id) = ids.get(i) {
                let _ = writeln!(out, "  {BENCH}: cell {} of {}: {id}", i + 1, ids.len());
            }
        }
        let _ = out.flush();
    }
    match child.wait() {
        Ok(status) => status.code().unwrap_or(1),
        Err(e) => {
            eprintln!("{BENCH}: waiting for gungraun failed: {e}");
            1
        }
    }
}

/// The `<i>` of a gungraun benchmark header (`…::region cell_<i>:…`).
fn benchmark_index(line: &str) -> Option<usize> {
    let rest = line.split("::region cell_").nth(1)?;
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

fn main() {
    // gungraun's child under valgrind, and the child this target starts.
    if std::env::args().nth(1).as_deref() == Some("--gungraun-run")
        || std::env::var_os(CHILD_ENV).is_some()
    {
        gungraun_main();
        return;
    }
    let args = BenchArgs::from_env();
    if args.mode == Mode::List {
        for c in selected_cells(&args) {
            println!("{}: benchmark", c.id());
        }
        return;
    }
    let notice_file = notice::notice_file("gungraun", BENCH);
    if let Some(missing) = missing_tool() {
        missing.exit(&notice_file);
    }
    notice::clear(&notice_file);
    std::process::exit(run_gungraun(&args));
}
