//! The maps under study and the one trait they all implement.
//!
//! Scenarios, workloads and lenses are written once against
//! [`MapUnderStudy`]; each variant reports its bytes per copy path under the
//! same names and says how exact those figures are.

use crate::accounting::{Accounting, Exactness, Probe};
use crate::gomap::stats::Structure;
use crate::gomap::{GoMap, Storage};
use crate::hash::KeyHasher;
use crate::pod::Pod;

/// A map under study: the operations workloads need, plus its accounting.
pub trait MapUnderStudy<K: Pod, V: Pod> {
    /// Variant name (`gomap`, `gomap-slab`, ...).
    fn variant(&self) -> &'static str;
    /// Inserts or updates; returns `true` when the key was new.
    fn insert(&mut self, key: K, val: V) -> bool;
    /// The value stored under `key`.
    fn get(&self, key: &K) -> Option<V>;
    /// Deletes `key`; returns whether it was present.
    fn remove(&mut self, key: &K) -> bool;
    /// Number of entries.
    fn len(&self) -> usize;
    /// Whether the map is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Removes every entry.
    fn clear(&mut self);
    /// Calls `f` for every entry, in the variant's iteration order.
    fn for_each(&mut self, f: &mut dyn FnMut(K, V));
    /// Accounting so far (`None` when the map was built without it).
    fn accounting(&self) -> Option<Accounting>;
    /// How exact the accounting is.
    fn exactness(&self) -> Exactness;
    /// Bucket structure, for designs that have buckets and chains.
    fn structure(&self) -> Option<Structure>;
}

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe, S: Storage> MapUnderStudy<K, V>
    for GoMap<K, V, H, P, S>
{
    fn variant(&self) -> &'static str {
        S::VARIANT
    }
    #[inline]
    fn insert(&mut self, key: K, val: V) -> bool {
        GoMap::insert(self, key, val)
    }
    #[inline]
    fn get(&self, key: &K) -> Option<V> {
        GoMap::get(self, key)
    }
    #[inline]
    fn remove(&mut self, key: &K) -> bool {
        GoMap::remove(self, key)
    }
    fn len(&self) -> usize {
        GoMap::len(self)
    }
    fn clear(&mut self) {
        GoMap::clear(self)
    }
    fn for_each(&mut self, f: &mut dyn FnMut(K, V)) {
        for (k, v) in self.iter() {
            f(k, v);
        }
    }
    fn accounting(&self) -> Option<Accounting> {
        self.probe().snapshot().cloned()
    }
    fn exactness(&self) -> Exactness {
        Exactness::Exact
    }
    fn structure(&self) -> Option<Structure> {
        Some(GoMap::structure(self))
    }
}
