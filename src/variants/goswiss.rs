//! The Go Swiss-map model ([`crate::goswiss`]) as a map under study: a thin
//! adapter, every call forwarded.

use crate::accounting::{Accounting, Exactness, Probe};
use crate::goswiss::{GoSwiss, RehashFor, Structure};
use crate::hash::KeyHasher;
use crate::variants::MapUnderStudy;

impl<H: KeyHasher, P: Probe> MapUnderStudy for GoSwiss<H, P> {
    fn variant(&self) -> &'static str {
        crate::variants::Variant::of_swiss_release(self.release()).name()
    }
    super::go_model_forwards!(GoSwiss);
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
