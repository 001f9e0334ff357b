//! The statistics behind `compare`'s time verdicts live in [`crate::stats`]
//! (shared with `mapamp run`, which uses them for the report's noise floor):
//! the Mann–Whitney U test in [`crate::stats::rank`] and the process-level
//! test, centers and noise floor in [`crate::stats::replicates`]. This
//! module re-exports them under their old paths.

pub use crate::stats::median;
pub use crate::stats::rank::{erfc, mann_whitney_u, MannWhitney, PMethod};
pub use crate::stats::replicates::{process_test, ProcessTest};
