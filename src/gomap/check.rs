//! Structural invariants of the model, for tests and debugging.

use super::layout::{get_top, is_evacuated, BUCKET_CNT, EMPTY_REST, MIN_TOP_HASH};
use super::storage::{array_ref, Generation, Storage, NIL};
use super::GoMap;
use crate::accounting::Probe;
use crate::hash::KeyHasher;
use crate::mem::load64;
use std::collections::HashSet;

impl<H: KeyHasher, P: Probe, S: Storage> GoMap<H, P, S> {
    /// Checks the model's invariants; returns what is broken.
    ///
    /// - live entries reachable (current array, plus old buckets not yet
    ///   evacuated) equal `len()`, with no key twice;
    /// - every entry sits in the chain its hash selects;
    /// - no filled slot follows an `emptyRest` marker in a chain;
    /// - old buckets below `nevacuate` are evacuated.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        let cur = &self.buckets;
        let nb = if cur.has_array() { 1usize << cur.b } else { 0 };
        for bi in 0..nb {
            self.check_chain(cur, bi, nb, &mut seen, "current")?;
        }
        if self.hdr.growing {
            let old = &self.oldbuckets;
            let nold = self.noldbuckets();
            for bi in 0..nold {
                let top0 = get_top(old.bucket(array_ref(bi), self.t.bucket_size), 0);
                if is_evacuated(top0) {
                    continue;
                }
                if bi < self.hdr.nevacuate {
                    return Err(format!("old bucket {bi} < nevacuate but not evacuated"));
                }
                self.check_chain(old, bi, nold, &mut seen, "old")?;
            }
        }
        if seen.len() != self.hdr.count {
            return Err(format!(
                "{} live entries reachable, count says {}",
                seen.len(),
                self.hdr.count
            ));
        }
        Ok(())
    }

    fn check_chain(
        &self,
        g: &Generation<S>,
        bi: usize,
        nbuckets: usize,
        seen: &mut HashSet<Vec<u8>>,
        which: &str,
    ) -> Result<(), String> {
        let bw = self.t.bucket_size;
        let mut r = array_ref(bi);
        let mut rest = false;
        while r != NIL {
            let b = g.bucket(r, bw);
            for i in 0..BUCKET_CNT {
                let t = get_top(b, i);
                if t == EMPTY_REST {
                    rest = true;
                } else if t >= MIN_TOP_HASH {
                    if rest {
                        return Err(format!("{which} bucket {bi}: filled slot after emptyRest"));
                    }
                    let k = self.slot_key(b, i);
                    let h = self.hash_key(k);
                    if h as usize & (nbuckets - 1) != bi {
                        return Err(format!("{which} bucket {bi}: key {k:?} hashes elsewhere"));
                    }
                    if super::layout::tophash(h) != t {
                        return Err(format!("{which} bucket {bi}: wrong tophash for {k:?}"));
                    }
                    if !seen.insert(k.to_vec()) {
                        return Err(format!("key {k:?} present twice"));
                    }
                }
            }
            r = load64(b, self.t.overflow_off);
        }
        Ok(())
    }
}
