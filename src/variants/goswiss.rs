//! The Go Swiss-map model ([`crate::goswiss`]) as a map under study: a thin
//! adapter, every call forwarded.

use crate::accounting::{Accounting, Exactness, Probe};
use crate::goswiss::{GoSwiss, RehashFor, Structure};
use crate::gotype::Shape;
use crate::hash::KeyHasher;
use crate::variants::MapUnderStudy;

impl<H: KeyHasher, P: Probe> MapUnderStudy for GoSwiss<H, P> {
    fn variant(&self) -> &'static str {
        crate::variants::Variant::of_swiss_release(self.release()).name()
    }
    fn key_shape(&self) -> Shape {
        self.map_type().key
    }
    fn elem_shape(&self) -> Shape {
        self.map_type().elem
    }
    #[inline(always)]
    fn insert(&mut self, key: &[u8], val: &[u8]) -> bool {
        GoSwiss::insert(self, key, val)
    }
    #[inline]
    fn get(&self, key: &[u8]) -> Option<&[u8]> {
        GoSwiss::get(self, key)
    }
    #[inline]
    fn remove(&mut self, key: &[u8]) -> bool {
        GoSwiss::remove(self, key)
    }
    fn len(&self) -> usize {
        GoSwiss::len(self)
    }
    fn clear(&mut self) {
        GoSwiss::clear(self)
    }
    fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8])) {
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
    fn rehash_for(&self, key: &[u8]) -> Option<RehashFor> {
        GoSwiss::rehash_for(self, key)
    }
}
