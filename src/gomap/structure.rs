//! The structure of a map: chain lengths, probe counts, overhead.
//!
//! These are the statistics of the table at the top of Go's `map.go`,
//! measured over the *current* bucket array:
//! - `overflow_buckets`: overflow buckets reachable from it;
//! - `pct_buckets_with_overflow`: buckets whose chain has an overflow bucket, in %;
//! - `hitprobe`: mean over live entries of the entry's 1-based position among
//!   the filled slots of its chain, in chain order (entries checked to find a present key);
//! - `missprobe`: mean over buckets of filled slots in the chain (entries
//!   checked to miss);
//! - `overhead_bytes_per_entry`: `(buckets + overflow_buckets) · bucket_size / n − key − value`;
//! - `chain_len_hist[i]`: buckets whose chain is `i` buckets long.

use super::layout::{get_top, MIN_TOP_HASH};
use super::storage::{array_ref, Storage, NIL};
use super::GoMap;
use crate::accounting::Probe;
use crate::hash::KeyHasher;
use serde::{Deserialize, Serialize};

/// Go's published table (`runtime/map.go` header; 64-bit, 8-byte keys and
/// values): load factor, % overflow, bytes/entry, hitprobe, missprobe.
pub const GO_PUBLISHED_TABLE: [[f64; 5]; 9] = [
    [4.00, 2.13, 20.77, 3.00, 4.00],
    [4.50, 4.05, 17.30, 3.25, 4.50],
    [5.00, 6.85, 14.77, 3.50, 5.00],
    [5.50, 10.55, 12.94, 3.75, 5.50],
    [6.00, 15.27, 11.67, 4.00, 6.00],
    [6.50, 20.90, 10.79, 4.25, 6.50],
    [7.00, 27.14, 10.15, 4.50, 7.00],
    [7.50, 34.03, 9.73, 4.75, 7.50],
    [8.00, 41.10, 9.40, 5.00, 8.00],
];

/// Structure of a Go-family map's current bucket array.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    /// log2 of the bucket count.
    pub b: u8,
    /// Main buckets (`2^b`).
    pub buckets: usize,
    /// Whether a growth is in progress.
    pub growing: bool,
    /// Whether that growth is same-size.
    pub same_size_growing: bool,
    /// Live entries (`len`).
    pub count: usize,
    /// Live entries reachable from the current array (less than `count` mid-growth).
    pub entries_in_current: usize,
    /// Overflow buckets reachable from the current array.
    pub overflow_buckets: usize,
    /// % of buckets whose chain has at least one overflow bucket.
    pub pct_buckets_with_overflow: f64,
    /// Mean filled-slot position of live entries in their chain.
    pub hitprobe: f64,
    /// Mean filled slots per chain.
    pub missprobe: f64,
    /// Bytes of buckets per entry beyond the key and value themselves.
    pub overhead_bytes_per_entry: f64,
    /// `chain_len_hist[i]` = buckets whose chain is `i` buckets long (index 0 unused).
    pub chain_len_hist: Vec<usize>,
    /// Go's approximate overflow counter.
    pub noverflow: u16,
    /// Buckets allocated in the current array (main + preallocated tail).
    pub buckets_allocated: usize,
    /// Preallocated overflow buckets not handed out yet.
    pub prealloc_overflow_free: usize,
    /// Bucket size in bytes.
    pub bucket_bytes: u64,
}

impl<H: KeyHasher, P: Probe, S: Storage> GoMap<H, P, S> {
    /// Walks the current bucket array and measures its structure.
    pub fn structure(&self) -> Structure {
        let g = &self.buckets;
        let bw = self.t.bucket_size;
        let link = self.t.overflow_off;
        let buckets = if g.has_array() { 1usize << g.b } else { 0 };
        let mut hist = vec![0usize; 2];
        let (mut overflow, mut with_overflow, mut entries, mut probe_sum) = (0, 0, 0usize, 0usize);
        for bi in 0..buckets {
            let mut r = array_ref(bi);
            let mut len = 0;
            let mut filled = 0;
            while r != NIL {
                let b = g.bucket(r, bw);
                for i in 0..super::layout::BUCKET_CNT {
                    if get_top(b, i) >= MIN_TOP_HASH {
                        filled += 1;
                        probe_sum += filled;
                    }
                }
                len += 1;
                r = crate::mem::load64(b, link);
            }
            if hist.len() <= len {
                hist.resize(len + 1, 0);
            }
            hist[len] += 1;
            overflow += len - 1;
            with_overflow += (len > 1) as usize;
            entries += filled;
        }
        let n = self.hdr.count;
        let per = |x: f64, d: usize| if d == 0 { 0.0 } else { x / d as f64 };
        let prealloc_free = if g.next_overflow == super::storage::NO_NEXT_OVERFLOW {
            0
        } else {
            g.total - g.next_overflow
        };
        Structure {
            b: self.hdr.b,
            buckets,
            growing: self.hdr.growing,
            same_size_growing: self.same_size_growing(),
            count: n,
            entries_in_current: entries,
            overflow_buckets: overflow,
            pct_buckets_with_overflow: 100.0 * per(with_overflow as f64, buckets),
            hitprobe: per(probe_sum as f64, entries),
            missprobe: per(entries as f64, buckets),
            overhead_bytes_per_entry: if n == 0 {
                0.0
            } else {
                ((buckets + overflow) as f64 * self.t.bucket_size as f64) / n as f64
                    - (self.t.key.size + self.t.elem.size) as f64
            },
            chain_len_hist: hist,
            noverflow: self.hdr.noverflow,
            buckets_allocated: g.total,
            prealloc_overflow_free: prealloc_free,
            bucket_bytes: self.t.bucket_size as u64,
        }
    }
}
