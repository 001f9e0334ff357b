//! The Go Swiss-map model ([`crate::goswiss`]) as a map under study: a thin
//! adapter, every call forwarded.

use crate::accounting::{Accounting, Exactness, Probe};
use crate::goswiss::{GoSwiss, RehashFor, Structure};
use crate::hash::KeyHasher;
use crate::pod::Pod;
use crate::variants::MapUnderStudy;

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe> MapUnderStudy<K, V> for GoSwiss<K, V, H, P> {
    fn variant(&self) -> &'static str {
        match self.release() {
            crate::goswiss::Release::Go126 => "goswiss",
            crate::goswiss::Release::Go124 => "goswiss-noprune",
        }
    }
    #[inline]
    fn insert(&mut self, key: K, val: V) -> bool {
        GoSwiss::insert(self, key, val)
    }
    #[inline]
    fn get(&self, key: &K) -> Option<V> {
        GoSwiss::get(self, key)
    }
    #[inline]
    fn remove(&mut self, key: &K) -> bool {
        GoSwiss::remove(self, key)
    }
    fn len(&self) -> usize {
        GoSwiss::len(self)
    }
    fn clear(&mut self) {
        GoSwiss::clear(self)
    }
    fn for_each(&mut self, f: &mut dyn FnMut(K, V)) {
        GoSwiss::for_each(self, f)
    }
    fn accounting(&self) -> Option<Accounting> {
        self.probe().snapshot().cloned()
    }
    fn exactness(&self) -> Exactness {
        Exactness::Exact
    }
    fn check_invariants(&self) -> Result<(), String> {
        GoSwiss::check_invariants(self)
    }
    fn swiss_structure(&self) -> Option<Structure> {
        Some(GoSwiss::structure(self))
    }
    fn rehash_for(&self, key: &K) -> Option<RehashFor> {
        GoSwiss::rehash_for(self, key)
    }
}
