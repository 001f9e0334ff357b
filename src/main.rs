//! The `mapamp` command: parses arguments and calls the library.
//!
//! Errors meet here, at the binary's edge, as `anyhow::Error` (the
//! library's typed errors, see `mapamp::error`), and are printed once with
//! their chain of causes (`mapamp: message: cause`). Exit codes: 0 done,
//! 1 `compare`'s regression verdict, 2 any error (bad input or a failure);
//! `live`, `lint` and `probe` choose theirs in their own `cli` modules.

use anyhow::Context;
use clap::{Parser, Subcommand};
use mapamp::alloc_count::CountingAllocator;
use mapamp::compare::{self, CompareOptions, OptionArgs};
use mapamp::gomap::{EvacuateBatch, Knobs};
use mapamp::inspect::{self, InspectConfig, Workload};
use mapamp::locate::{self, LocateArgs};
use mapamp::profile::LensKind;
use mapamp::table::{self, TableConfig};
use mapamp::variants::{knobs, HintSpec, Variant};
use mapamp::workload::KeyDist;
use std::process::ExitCode;

/// Real heap allocations are counted (per thread) so `inspect` can report them.
#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

#[derive(Parser)]
#[command(
    name = "mapamp",
    version,
    about = "Hash-map write amplification: models, benchmarks, reports"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every lens on every cell of a profile and write a report folder.
    Run(RunArgs),
    /// (internal) Run one cell's lenses in this process; used by `run`.
    #[command(hide = true)]
    CellRun(CellRunArgs),
    /// Settle the source article's claims with measurements.
    Claims {
        /// Smaller measurements (seconds).
        #[arg(long)]
        quick: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Build one map with one workload and print its structure and bytes written per copy path.
    Inspect(InspectArgs),
    /// Hash keys into buckets: spread (entropy, chains, chi-squared) and ns per locate.
    Locate(LocateArgs),
    /// Find maps that will pay for growth in Go and Rust code, and price each with the models.
    Lint(mapamp::lint::cli::LintArgs),
    /// Read a live Go program's maps from its mapdebug endpoint (or a saved snapshot): shape, load, growth, what a hint would save.
    Live(mapamp::live::cli::LiveArgs),
    /// Count and attribute an unmodified Go program's map assignments and growths with uprobes (root, tracefs); exit 3 when unavailable.
    Probe(mapamp::live::probe::ProbeArgs),
    /// Merge shard folders (`run --shard K/N`) of one run into one report folder OUT.
    Merge(MergeArgs),
    /// Compare two reports (or two configurations/variants of one) cell by cell; exit 1 on a regression beyond --fail-on-regression, 2 if they cannot be compared.
    Compare(CompareArgs),
    /// List the variants and tuning knobs.
    Variants,
    /// Validate a profile or list its cells.
    Profile {
        #[command(subcommand)]
        which: ProfileCommand,
    },
    /// Regenerate a published table from the model.
    Table {
        #[command(subcommand)]
        which: TableCommand,
    },
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Parse and validate a profile: errors name the file, line and the valid values.
    Check {
        /// A profile name (profiles/<name>.toml) or a path.
        profile: String,
    },
    /// List the cell ids of a profile.
    Cells {
        /// A profile name (profiles/<name>.toml) or a path.
        profile: String,
        /// Also list the combinations that do not apply, with the reason.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum TableCommand {
    /// Go's load-factor table (runtime/map.go header) from the model, beside Go's figures.
    LoadFactor {
        /// log2 of the bucket count of the loaded tables.
        #[arg(long, default_value_t = 16)]
        b: u8,
        /// Seeds per load factor.
        #[arg(long, default_value_t = 10)]
        seeds: u64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The Go-model knobs, shared by commands that build maps. Defaults are
/// [`Knobs::default`]; the values are checked by `Knobs::validate`.
#[derive(clap::Args)]
struct KnobArgs {
    /// Average entries per bucket that triggers doubling.
    #[arg(long, default_value_t = Knobs::default().load_factor)]
    load_factor: f64,
    /// Extra old buckets evacuated per write during growth, or `all` (stop-the-world).
    #[arg(long, default_value_t = Knobs::default().evacuate_batch, value_parser = EvacuateBatch::parse)]
    evacuate_batch: EvacuateBatch,
    /// Keys/values larger than this (bytes) are stored indirectly.
    #[arg(long, default_value_t = Knobs::default().inline_limit)]
    inline_limit: usize,
    /// Preallocated overflow buckets for B >= 4.
    #[arg(long, value_enum, default_value_t = OnOff::from(Knobs::default().overflow_prealloc))]
    overflow_prealloc: OnOff,
}

/// A switch on the command line: `on` or `off`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnOff {
    On,
    Off,
}

impl From<bool> for OnOff {
    fn from(on: bool) -> OnOff {
        if on {
            OnOff::On
        } else {
            OnOff::Off
        }
    }
}

impl KnobArgs {
    fn knobs(&self) -> Knobs {
        Knobs {
            load_factor: self.load_factor,
            evacuate_batch: self.evacuate_batch,
            inline_limit: self.inline_limit,
            overflow_prealloc: self.overflow_prealloc == OnOff::On,
        }
    }
}

#[derive(clap::Args)]
struct RunArgs {
    /// Profile name (profiles/<name>.toml) or path.
    #[arg(long, default_value = "quick")]
    profile: String,
    /// Report folder [default: reports/<profile name>].
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Only cells whose id contains this text (or matches it, with `*` wildcards).
    #[arg(long)]
    cells: Option<String>,
    /// Only these lenses (comma-separated): accounting, time, latency, counters, flamegraph, callgrind.
    #[arg(long, value_delimiter = ',', value_parser = LensKind::parse)]
    lenses: Option<Vec<LensKind>>,
    /// Continue a run in an existing report folder, skipping finished work.
    #[arg(long)]
    resume: bool,
    /// callgrind runs at once, 1 to 256 [default: the number of CPUs].
    #[arg(long, value_parser = parse_callgrind_jobs)]
    callgrind_jobs: Option<usize>,
    /// Seed of the time processes' interleaved order [default: drawn at the start; recorded in the report].
    #[arg(long)]
    schedule_seed: Option<u64>,
    /// Run only shard K of N (1 <= K <= N): cells dealt round-robin in profile order; join the N folders with `mapamp merge`.
    #[arg(long, value_name = "K/N", value_parser = mapamp::run::shard::Shard::parse)]
    shard: Option<mapamp::run::shard::Shard>,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// The merged report folder (must not exist, or be empty).
    out: std::path::PathBuf,
    /// The shard report folders, all N of one split (or runs of disjoint cells).
    #[arg(required = true)]
    dirs: Vec<std::path::PathBuf>,
}

#[derive(clap::Args)]
struct CellRunArgs {
    #[arg(long)]
    profile: std::path::PathBuf,
    #[arg(long)]
    cell: String,
    #[arg(long)]
    out: std::path::PathBuf,
    #[arg(long, value_delimiter = ',', value_parser = LensKind::parse)]
    lenses: Vec<LensKind>,
    #[arg(long)]
    region_only: bool,
    /// Time process number (the schedule's round): measure time/latency only.
    #[arg(long)]
    time_process: Option<usize>,
    /// The cell's position in that round.
    #[arg(long, default_value_t = 0)]
    slot: usize,
}

#[derive(clap::Args)]
struct InspectArgs {
    /// Map variant (see `mapamp variants`).
    #[arg(long, default_value = "gomap", value_parser = Variant::parse)]
    variant: Variant,
    /// Workload that builds the map.
    #[arg(long, value_enum, default_value_t = Workload::Insert)]
    workload: Workload,
    /// Key distribution for the insert workload.
    #[arg(long, value_enum, default_value_t = KeyDist::Random)]
    keys: KeyDist,
    /// Number of keys inserted (0 allowed: shows the B a hint gives).
    #[arg(long)]
    n: usize,
    /// Size hint, as in make(map, hint): a number, `n`, a factor such as `0.5n`, or `none`.
    #[arg(long, default_value = "none", value_parser = HintSpec::parse)]
    hint: HintSpec,
    /// Churn rounds.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Churn operations (delete one + insert one) per round [default: n/2].
    #[arg(long)]
    k: Option<usize>,
    /// Seed for keys and for the map's randomness.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    knobs: KnobArgs,
    /// Key size in bytes (8, 16, 32, 64, 128, 256; a [W]uint64) [default: 8].
    #[arg(long)]
    key_size: Option<usize>,
    /// Value size in bytes (8, 16, 32, 64, 128, 256) [default: 8].
    #[arg(long)]
    value_size: Option<usize>,
    /// Key type by Go name (int64, int32, string, struct{}, [24]byte, ...);
    /// instead of --key-size.
    #[arg(long)]
    key: Option<String>,
    /// Value type by Go name (struct{}, bool, int64, ...); instead of --value-size.
    #[arg(long)]
    value: Option<String>,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Baseline: a report folder, or `<dir>#config=<name>` / `<dir>#variant=<name>`.
    a: String,
    /// Candidate, in the same forms; deltas are B − A.
    b: String,
    /// Output folder [default: reports/compare-<a>-vs-<b>].
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Exit 1 if a `worse` verdict changes its metric by more than this many percent.
    #[arg(long, value_name = "PERCENT")]
    fail_on_regression: Option<f64>,
    /// Metrics to compare, comma-separated [default: all].
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    metric: Vec<String>,
    /// Practical significance for time: the median must change by more than this many percent.
    #[arg(long, default_value_t = 2.0, value_name = "PERCENT")]
    time_threshold: f64,
    /// Significance level of the Mann–Whitney U test on time samples.
    #[arg(long, default_value_t = 0.01)]
    alpha: f64,
    /// p99 latency must change by more than this many percent.
    #[arg(long, default_value_t = 10.0, value_name = "PERCENT")]
    latency_threshold: f64,
    /// Hardware counters (perf-hw) must change by more than this many percent.
    #[arg(long, default_value_t = 10.0, value_name = "PERCENT")]
    counter_threshold: f64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compare(a) => return run_compare(a),
        Command::Lint(a) => return mapamp::lint::cli::run(&a),
        Command::Live(a) => return mapamp::live::cli::run(&a),
        Command::Probe(a) => return mapamp::live::probe::run(&a),
        Command::Inspect(a) => run_inspect(a),
        Command::Locate(a) => run_locate(a),
        Command::Profile { which } => run_profile(which),
        Command::Run(a) => run_run(a),
        Command::Merge(a) => {
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            mapamp::run::merge::merge(&a.out, &a.dirs, &command)
                .map_err(anyhow::Error::from)
                .map(|n| {
                    eprintln!(
                        "mapamp merge: {n} cells from {} folders; report: {}",
                        a.dirs.len(),
                        a.out.join("index.html").display()
                    )
                })
        }
        Command::CellRun(a) => {
            let role = match (a.region_only, a.time_process) {
                (true, _) => mapamp::run::ChildRole::RegionOnly,
                (false, Some(process)) => mapamp::run::ChildRole::Time {
                    process,
                    slot: a.slot,
                },
                (false, None) => mapamp::run::ChildRole::Native,
            };
            mapamp::run::cell_run(&a.profile, &a.cell, &a.out, &a.lenses, role).map_err(Into::into)
        }
        Command::Claims { quick, json } => mapamp::claims::evaluate(quick)
            .map_err(anyhow::Error::from)
            .and_then(|r| {
                if json {
                    emit(&format!(
                        "{}\n",
                        serde_json::to_string_pretty(&r).expect("claims serialise")
                    ))
                } else {
                    emit(&mapamp::claims::render_text(&r))
                }
            }),
        Command::Variants => emit(&variants_text()),
        Command::Table {
            which: TableCommand::LoadFactor { b, seeds, json },
        } => table::load_factor_table(&TableConfig {
            b,
            seeds,
            ..TableConfig::default()
        })
        .map_err(anyhow::Error::from)
        .and_then(|t| {
            if json {
                emit(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&t).expect("table serialises")
                ))
            } else {
                emit(&table::render_text(&t))
            }
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Prints `e` with its chain of causes and returns exit code 2.
fn fail(e: &anyhow::Error) -> ExitCode {
    eprintln!("mapamp: {e:#}");
    ExitCode::from(2)
}

/// Writes to standard output. A closed pipe (`mapamp profile cells full |
/// head -1`) ends the output quietly, as for other Unix tools: the reader
/// wanted no more. Other write errors are reported.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// A `--callgrind-jobs` that is no number from 1 to
/// [`mapamp::limits::MAX_CALLGRIND_JOBS`] (clap prints it, exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a number of callgrind runs at once; use 1 to {max}", max = mapamp::limits::MAX_CALLGRIND_JOBS)]
struct CallgrindJobsError(String);

fn parse_callgrind_jobs(s: &str) -> Result<usize, CallgrindJobsError> {
    match s.parse::<usize>() {
        Ok(n) if (1..=mapamp::limits::MAX_CALLGRIND_JOBS).contains(&n) => Ok(n),
        _ => Err(CallgrindJobsError(s.to_string())),
    }
}

fn variants_text() -> String {
    let mut s = String::from("Variants:\n");
    // Names padded to the longest one and two spaces.
    let w = Variant::every().map(|v| v.name().len()).max().unwrap_or(0) + 2;
    for v in Variant::every() {
        s += &format!("  {:<w$}{}\n", v.name(), v.description());
    }
    s += "\nTuning knobs (Go's value in brackets):\n";
    for k in knobs() {
        s += &format!("  {:<18}[{}] {}\n", k.name, k.go_default, k.description);
    }
    s
}

fn run_inspect(a: InspectArgs) -> anyhow::Result<()> {
    let cfg = InspectConfig {
        variant: a.variant,
        workload: a.workload,
        keys: a.keys,
        n: a.n,
        hint: a.hint,
        rounds: a.rounds,
        k: a.k.unwrap_or(a.n / 2),
        seed: a.seed,
        key_size: a.key_size.unwrap_or(8),
        value_size: a.value_size.unwrap_or(8),
        key: None,
        value: None,
        knobs: a.knobs.knobs(),
    };
    let cfg = cfg
        .with_types(
            a.key.as_deref(),
            a.key_size,
            a.value.as_deref(),
            a.value_size,
        )
        .context("inspect")?;
    let r = inspect::inspect_with_releases(&cfg).context("inspect")?;
    if a.json {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&r).expect("report serialises")
        ))
    } else {
        emit(&inspect::render_text(&r))
    }
}

fn run_locate(a: LocateArgs) -> anyhow::Result<()> {
    let r = locate::locate(&a.config()).context("locate")?;
    if a.json {
        emit(&format!("{}\n", locate::render_json(&r)))
    } else {
        emit(&locate::render_text(&r))
    }
}

/// Exit codes: 0 compared, 1 regression beyond `--fail-on-regression`, 2 could not compare.
fn run_compare(a: CompareArgs) -> ExitCode {
    let result = (|| -> anyhow::Result<bool> {
        let opts = CompareOptions::from_args(&OptionArgs {
            metrics: a.metric,
            alpha: a.alpha,
            time_threshold_pct: a.time_threshold,
            latency_threshold_pct: a.latency_threshold,
            counter_threshold_pct: a.counter_threshold,
            fail_on_regression_pct: a.fail_on_regression,
        })?;
        let cmp = compare::compare(&a.a, &a.b, &opts)?;
        let out = a.out.unwrap_or_else(|| cmp.default_out_dir());
        compare::write_outputs(&cmp, &out)?;
        emit(&compare::render_text::render(&cmp.report, &out))
            .context("compare: cannot write the comparison")?;
        Ok(cmp.gate_failed())
    })();
    match result {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(1),
        Err(e) => fail(&e),
    }
}

fn run_profile(which: ProfileCommand) -> anyhow::Result<()> {
    match which {
        ProfileCommand::Check { profile } => {
            let p = mapamp::run::load_profile(&mapamp::profile::resolve(&profile)?)?;
            let cells = p.cells();
            let mut text = format!(
                "{}: ok: {} cells ({} combinations do not apply), lenses: {}\n",
                p.path.display(),
                cells.cells.len(),
                cells.skipped.len(),
                p.lenses
                    .iter()
                    .map(|l| l.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut reasons: Vec<&str> = cells.skipped.iter().map(|s| s.reason.as_str()).collect();
            reasons.sort();
            reasons.dedup();
            for r in reasons {
                let n = cells.skipped.iter().filter(|s| s.reason == r).count();
                text += &format!("  skipped {n}: {r}\n");
            }
            emit(&text)
        }
        ProfileCommand::Cells { profile, all } => {
            let p = mapamp::run::load_profile(&mapamp::profile::resolve(&profile)?)?;
            let cells = p.cells();
            let mut text = String::new();
            if all {
                let same = mapamp::profile::same_setup(&cells.cells);
                for (c, same) in cells.cells.iter().zip(same) {
                    match same {
                        Some(s) => {
                            text += &format!("{}\tsame setup as {}: {}\n", c.id(), s.cell, s.reason)
                        }
                        None => text += &format!("{}\n", c.id()),
                    }
                }
            } else {
                for c in &cells.cells {
                    text += &format!("{}\n", c.id());
                }
            }
            if all {
                for s in &cells.skipped {
                    text += &format!("{}\tskipped: {}\n", s.id, s.reason);
                }
            }
            emit(&text)
        }
    }
}

fn run_run(a: RunArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("cannot find the mapamp executable")?;
    let jobs = a
        .callgrind_jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let opts = mapamp::run::RunOptions {
        profile: a.profile,
        out: a.out,
        cells: a.cells,
        lenses: a.lenses,
        resume: a.resume,
        exe,
        callgrind_jobs: jobs,
        command: std::env::args().collect::<Vec<_>>().join(" "),
        schedule_seed: a.schedule_seed,
        shard: a.shard,
    };
    mapamp::run::run(&opts)?;
    Ok(())
}
