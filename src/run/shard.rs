//! `mapamp run --shard K/N`: a deterministic 1/N of a profile's cells.
//!
//! Cells are dealt round-robin in profile order (after `--cells`): cell i
//! belongs to shard `i mod N + 1`. Every shard so gets a similar mix of
//! scenarios and sizes, the N shards together hold every cell exactly once,
//! and the split depends only on the profile (and `--cells`), so N machines
//! that run shards 1/N … N/N from the same checkout agree on it without
//! talking. `mapamp merge` ([`super::merge`]) joins their report folders.

use serde::{Deserialize, Serialize};

/// Shard K of N (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, 1..=n.
    pub k: usize,
    /// How many shards.
    pub n: usize,
}

/// The largest N accepted (far above any profile's use; keeps `K/N` sane).
pub const MAX_SHARDS: usize = 10_000;

impl Shard {
    /// Parses `K/N` with 1 <= K <= N <= [`MAX_SHARDS`].
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n || n > MAX_SHARDS {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Whether the cell at `index` (profile order, after `--cells`) is ours.
    pub fn holds(self, index: usize) -> bool {
        index % self.n == self.k - 1
    }

    /// Keeps this shard's items of `items` (in their order).
    pub fn select<T>(self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| self.holds(*i))
            .map(|(_, t)| t)
            .collect()
    }
}

/// `--shard` (or a report's `run.shard`) that is not `K/N` with
/// 1 <= K <= N <= [`MAX_SHARDS`]: the text given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--shard `{0}` is not a shard; use K/N with 1 <= K <= N <= {max} (e.g. 2/3: the second of three)", max = MAX_SHARDS)]
pub struct ShardError(pub String);

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n_and_refuses_the_rest() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { k: 2, n: 3 }));
        assert_eq!(Shard::parse("1/1"), Ok(Shard { k: 1, n: 1 }));
        for bad in [
            "0/3", "4/3", "3", "a/b", "1/0", "", "1/3/4", "-1/3", "1/10001",
        ] {
            let e = Shard::parse(bad).unwrap_err().to_string();
            assert!(e.contains("use K/N"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_shards_partition_the_cells() {
        let cells: Vec<usize> = (0..71).collect();
        let mut seen = Vec::new();
        for k in 1..=3 {
            let part = Shard { k, n: 3 }.select(cells.clone());
            assert!((23..=24).contains(&part.len()), "{}", part.len());
            seen.extend(part);
        }
        seen.sort();
        assert_eq!(seen, cells);
    }
}
