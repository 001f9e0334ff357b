//! The reference workload: fixed work timed in every time process next to
//! the cell's samples, so a cell's time can be read relative to it.
//!
//! A shared machine drifts (±30% between runs on the 2-core development
//! VM): another tenant's builds, frequency, cache and memory contention.
//! Drift that slows the cell also slows the reference timed in the same
//! process a moment earlier, so `ns_per_op / reference_ns` cancels much of
//! it, which is what `mapamp compare runA runB` needs to tell a real change
//! from a slower hour (the idea `benches/speed_ratio.rs` applies against
//! hashbrown). It is *not* exact: work that leans on memory more than the
//! reference does moves more under memory contention, and the ratio adds the
//! reference's own noise; the report's noise floor for the drift-cancelled
//! figure says how much that costs.
//!
//! The work: clear a 32768-slot table of (key, value) words (512 KiB, more
//! than L2 here) and insert 16384 fixed pseudo-random keys by linear
//! probing: hashing, dependent loads and stores, like the maps mapamp
//! measures, in code that does not depend on any of them. [`REFERENCE_ID`]
//! names it; change the code and the id together (a test pins the result),
//! because figures relative to different references are not comparable.

/// Name of the reference workload, recorded with every relative figure.
pub const REFERENCE_ID: &str =
    "ref1: clear a 32768-slot u64 pair table, insert 16384 keys by linear probing";

const SLOTS: usize = 32_768;
const KEYS: u64 = 16_384;

/// Keys one run inserts (the reference's figure is ns per key).
pub const REFERENCE_KEYS: u64 = KEYS;

/// The reference's table, allocated once per process.
pub struct Reference {
    table: Vec<[u64; 2]>,
}

impl Default for Reference {
    fn default() -> Self {
        Reference::new()
    }
}

impl Reference {
    /// Allocates (and touches) the table.
    pub fn new() -> Reference {
        Reference {
            table: vec![[0, 0]; SLOTS],
        }
    }

    /// Runs the workload once; returns a checksum of the final table.
    #[inline(never)]
    pub fn run(&mut self) -> u64 {
        self.table.fill([0, 0]);
        let mask = SLOTS as u64 - 1;
        let mut key = crate::rng::SPLITMIX64_GAMMA;
        for i in 0..KEYS {
            // splitmix64 step: keys are fixed, distinct and never 0.
            let k = crate::rng::splitmix64(&mut key) | 1;
            let mut slot = (k.wrapping_mul(0xff51_afd7_ed55_8ccd) >> 49) & mask;
            while self.table[slot as usize][0] != 0 {
                slot = (slot + 1) & mask;
            }
            self.table[slot as usize] = [k, i];
        }
        self.table.iter().enumerate().fold(0u64, |acc, (i, e)| {
            acc.wrapping_add(e[0] ^ (i as u64).wrapping_mul(e[1]))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the workload: if this checksum changes, the work changed, and
    /// [`REFERENCE_ID`] must change with it.
    #[test]
    fn the_reference_is_fixed() {
        let mut r = Reference::new();
        let first = r.run();
        assert_eq!(first, r.run(), "each run starts from a cleared table");
        assert_eq!(
            first, 0x55bc_b4a1_3e2d_96f4,
            "update REFERENCE_ID with the workload, then this checksum: {first:#x}"
        );
        assert_eq!(r.table.iter().filter(|e| e[0] != 0).count(), KEYS as usize);
    }
}
