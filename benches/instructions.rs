//! Instruction counts per cell under callgrind (gungraun), setup excluded.
//!
//! Matrix: every cell of the profile (`MAPAMP_PROFILE`, a name or a path;
//! default `quick`). gungraun runs each cell in its own process under
//! valgrind: the setup (`prepare`) runs outside the benchmark function and
//! is not counted; the benchmark function runs the measured region once.
//! Callgrind counts instructions (Ir) and, with `--cache-sim=yes`, simulated
//! cache misses; counts are identical across reruns of the same binary.
//!
//! Needs the pinned `gungraun-runner`: `scripts/install-gungraun-runner.sh`.
//!
//! ```text
//! MAPAMP_PROFILE=smoke cargo bench --bench instructions
//! ```

mod common;

use gungraun::{
    library_benchmark, library_benchmark_group, main, Callgrind, LibraryBenchmarkConfig,
};
use mapamp::accounting::Off;
use mapamp::scenario::{prepare_any, CellSpec, Runnable};
use std::hint::black_box;

/// A cell as a benchmark argument: shown by its id.
struct Cell(CellSpec);

impl std::fmt::Debug for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.id().as_str())
    }
}

fn cells() -> Vec<Cell> {
    common::profile()
        .cells()
        .cells
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

main!(
    config = LibraryBenchmarkConfig::default()
        .pass_through_envs(["MAPAMP_PROFILE"])
        .tool(Callgrind::with_args(["--cache-sim=yes"]));
    library_benchmark_groups = profile_cells
);
