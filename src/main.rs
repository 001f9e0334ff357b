//! The `mapamp` command: parses arguments and calls the library.

use clap::{Parser, Subcommand};
use mapamp::gomap::{EvacuateBatch, Knobs};
use mapamp::inspect::{self, InspectConfig, Workload};
use mapamp::locate::{self, LocateArgs};
use mapamp::workload::KeyDist;
use std::process::ExitCode;

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
    /// Build one map with one workload and print its structure and bytes written per copy path.
    Inspect(InspectArgs),
    /// Hash keys into buckets: spread (entropy, chains, chi-squared) and ns per locate.
    Locate(LocateArgs),
}

#[derive(clap::Args)]
struct InspectArgs {
    /// Map variant.
    #[arg(long, default_value = "gomap")]
    variant: String,
    /// Workload that builds the map.
    #[arg(long, value_enum, default_value_t = Workload::Insert)]
    workload: Workload,
    /// Key distribution for the insert workload.
    #[arg(long, value_enum, default_value_t = KeyDist::Random)]
    keys: KeyDist,
    /// Number of keys inserted (0 allowed: shows the B a hint gives).
    #[arg(long)]
    n: usize,
    /// Size hint, as in make(map, hint).
    #[arg(long)]
    hint: Option<usize>,
    /// Churn rounds.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Churn operations (delete one + insert one) per round [default: n/2].
    #[arg(long)]
    k: Option<usize>,
    /// Seed for keys and for the map's randomness.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Average entries per bucket that triggers doubling.
    #[arg(long, default_value_t = 6.5)]
    load_factor: f64,
    /// Extra old buckets evacuated per write during growth, or `all` (stop-the-world).
    #[arg(long, default_value = "1", value_parser = EvacuateBatch::parse)]
    evacuate_batch: EvacuateBatch,
    /// Keys/values larger than this (bytes) are stored indirectly.
    #[arg(long, default_value_t = 128)]
    inline_limit: usize,
    /// Preallocated overflow buckets for B >= 4.
    #[arg(long, value_parser = ["on", "off"], default_value = "on")]
    overflow_prealloc: String,
    /// Key size in bytes (8, 16, 32, 64, 128, 256).
    #[arg(long, default_value_t = 8)]
    key_size: usize,
    /// Value size in bytes (8, 16, 32, 64, 128, 256).
    #[arg(long, default_value_t = 8)]
    value_size: usize,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect(a) => run_inspect(a),
        Command::Locate(a) => run_locate(a),
    }
}

fn run_inspect(a: InspectArgs) -> ExitCode {
    let cfg = InspectConfig {
        variant: a.variant,
        workload: a.workload,
        keys: a.keys,
        n: a.n,
        hint: a.hint,
        rounds: a.rounds,
        k: a.k.unwrap_or(a.n / 2),
        seed: a.seed,
        key_size: a.key_size,
        value_size: a.value_size,
        knobs: Knobs {
            load_factor: a.load_factor,
            evacuate_batch: a.evacuate_batch,
            inline_limit: a.inline_limit,
            overflow_prealloc: a.overflow_prealloc == "on",
        },
    };
    match inspect::inspect(&cfg) {
        Ok(r) => {
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&r).expect("report serialises")
                );
            } else {
                print!("{}", inspect::render_text(&r));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mapamp inspect: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_locate(a: LocateArgs) -> ExitCode {
    match locate::locate(&a.config()) {
        Ok(r) => {
            if a.json {
                println!("{}", locate::render_json(&r));
            } else {
                print!("{}", locate::render_text(&r));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mapamp locate: {e}");
            ExitCode::from(2)
        }
    }
}
