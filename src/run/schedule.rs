//! The order in which time processes run: interleaved rounds.
//!
//! A cell's time comes from `budget.time_processes` child processes. They
//! do not run back to back: round k runs one process of every cell, in an
//! order shuffled for that round from the run's recorded seed, and the next
//! round starts when it is done. A slow phase of the machine then lands on
//! one process of many cells instead of on every process of one cell, and
//! no cell always runs after the same neighbour. The seed is drawn when a
//! run starts, kept in `run.json` (a resumed run keeps its order) and
//! written into the report.

use crate::rng::Rng;

/// `order`'s value in the report.
pub const ORDER: &str = "interleaved";

/// The cell indices (0..cells) in the order round `round` runs them.
pub fn round_order(cells: usize, seed: u64, round: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cells).collect();
    let mut rng = Rng::new(seed ^ (round as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    order
}

/// A seed for a new run: the clock's nanoseconds mixed with the process id.
pub fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut rng = Rng::new(nanos ^ (u64::from(std::process::id()) << 32));
    rng.next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_round_runs_every_cell_once_in_its_own_order() {
        let rounds: Vec<Vec<usize>> = (0..5).map(|r| round_order(40, 7, r)).collect();
        for r in &rounds {
            let mut sorted = r.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..40).collect::<Vec<_>>());
        }
        assert!(rounds.windows(2).all(|w| w[0] != w[1]), "rounds differ");
        // The same seed gives the same schedule (a resumed run keeps it).
        assert_eq!(round_order(40, 7, 3), rounds[3]);
        assert_ne!(round_order(40, 8, 3), rounds[3]);
        assert_eq!(round_order(0, 1, 0), Vec::<usize>::new());
    }
}
