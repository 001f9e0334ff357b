//! A map under study behind one object type, for cold code (scenario
//! setups, `inspect`, heap figures, claims, the fuzz runner).
//!
//! [`MapUnderStudy`] is generic on purpose: a measured region calls
//! `insert` on the concrete map, inlined. Code that only brings a map to a
//! state or reads figures off it gains nothing from that, and compiling it
//! once per design × hasher × probe (up to 18 map types) is most of what
//! the crate's release build spends on it. Such code takes a
//! `&mut dyn` [`MapSetup`] or [`ErasedMap`] (any map, through the blanket
//! impls) or builds an [`AnyMap`] ([`super::build_any`]): its body is
//! compiled once, and the map runs the very same operations in the same
//! order, so every byte the accounting counts is the same.

use super::swiss::SwissShape;
use super::MapUnderStudy;
use crate::accounting::{Accounting, Exactness};
use crate::gomap::structure::Structure;
use crate::gomap::GrowKind;
use crate::gotype::Shape;

/// What cold code that builds a map's state needs of it (scenario setups,
/// workloads), object-safe. Every map under study is one (blanket impl).
/// Kept to these methods: a `dyn` coercion instantiates every method of
/// the trait for the map type, and setups coerce all 18 map types.
pub trait MapSetup {
    /// [`MapUnderStudy::key_shape`].
    fn key_shape(&self) -> Shape;
    /// [`MapUnderStudy::elem_shape`].
    fn elem_shape(&self) -> Shape;
    /// [`MapUnderStudy::insert`].
    fn insert(&mut self, key: &[u8], val: &[u8]) -> bool;
    /// [`MapUnderStudy::remove`].
    fn remove(&mut self, key: &[u8]) -> bool;
    /// [`MapUnderStudy::len`].
    fn len(&self) -> usize;
    /// [`MapUnderStudy::is_empty`].
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// [`MapUnderStudy::structure`].
    fn structure(&self) -> Option<Structure>;
    /// [`MapUnderStudy::swiss`].
    fn swiss(&self) -> Option<SwissShape>;
    /// [`MapUnderStudy::growing`].
    fn growing(&self) -> bool;
    /// [`MapUnderStudy::pending_growth`].
    fn pending_growth(&self) -> Option<GrowKind>;
    /// [`MapUnderStudy::start_pending_growth`].
    fn start_pending_growth(&mut self) -> Option<GrowKind>;
    /// [`MapUnderStudy::swiss_structure`].
    fn swiss_structure(&self) -> Option<crate::goswiss::Structure>;
    /// [`MapUnderStudy::rehash_for`].
    fn rehash_for(&self, key: &[u8]) -> Option<crate::goswiss::RehashFor>;
}

impl<M: MapUnderStudy> MapSetup for M {
    fn key_shape(&self) -> Shape {
        MapUnderStudy::key_shape(self)
    }
    fn elem_shape(&self) -> Shape {
        MapUnderStudy::elem_shape(self)
    }
    fn insert(&mut self, key: &[u8], val: &[u8]) -> bool {
        MapUnderStudy::insert(self, key, val)
    }
    fn remove(&mut self, key: &[u8]) -> bool {
        MapUnderStudy::remove(self, key)
    }
    fn len(&self) -> usize {
        MapUnderStudy::len(self)
    }
    fn structure(&self) -> Option<Structure> {
        MapUnderStudy::structure(self)
    }
    fn swiss(&self) -> Option<SwissShape> {
        MapUnderStudy::swiss(self)
    }
    fn growing(&self) -> bool {
        MapUnderStudy::growing(self)
    }
    fn pending_growth(&self) -> Option<GrowKind> {
        MapUnderStudy::pending_growth(self)
    }
    fn start_pending_growth(&mut self) -> Option<GrowKind> {
        MapUnderStudy::start_pending_growth(self)
    }
    fn swiss_structure(&self) -> Option<crate::goswiss::Structure> {
        MapUnderStudy::swiss_structure(self)
    }
    fn rehash_for(&self, key: &[u8]) -> Option<crate::goswiss::RehashFor> {
        MapUnderStudy::rehash_for(self, key)
    }
}

/// The object-safe face of all of [`MapUnderStudy`] ([`MapSetup`] and the
/// rest), for [`AnyMap`] and code that reads a map's figures. Every map
/// under study is one (blanket impl).
pub trait ErasedMap: MapSetup {
    /// [`MapUnderStudy::variant`].
    fn variant(&self) -> &'static str;
    /// [`MapUnderStudy::get`].
    fn get(&self, key: &[u8]) -> Option<&[u8]>;
    /// [`MapUnderStudy::clear`].
    fn clear(&mut self);
    /// [`MapUnderStudy::for_each`].
    fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8]));
    /// [`MapUnderStudy::accounting`].
    fn accounting(&self) -> Option<Accounting>;
    /// [`MapUnderStudy::exactness`].
    fn exactness(&self) -> Exactness;
    /// [`MapUnderStudy::check_invariants`].
    fn check_invariants(&self) -> Result<(), String>;
    /// A copy in the same state.
    fn clone_box(&self) -> Box<dyn ErasedMap>;
}

impl<M: MapUnderStudy> ErasedMap for M {
    fn variant(&self) -> &'static str {
        MapUnderStudy::variant(self)
    }
    fn get(&self, key: &[u8]) -> Option<&[u8]> {
        MapUnderStudy::get(self, key)
    }
    fn clear(&mut self) {
        MapUnderStudy::clear(self)
    }
    fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8])) {
        MapUnderStudy::for_each(self, f)
    }
    fn accounting(&self) -> Option<Accounting> {
        MapUnderStudy::accounting(self)
    }
    fn exactness(&self) -> Exactness {
        MapUnderStudy::exactness(self)
    }
    fn check_invariants(&self) -> Result<(), String> {
        MapUnderStudy::check_invariants(self)
    }
    fn clone_box(&self) -> Box<dyn ErasedMap> {
        Box::new(self.clone())
    }
}

/// Any map under study, boxed: one type for cold code, so a visit over it
/// is compiled once rather than once per map type.
pub struct AnyMap(pub Box<dyn ErasedMap>);

impl Clone for AnyMap {
    fn clone(&self) -> Self {
        AnyMap(self.0.clone_box())
    }
}

impl MapUnderStudy for AnyMap {
    fn variant(&self) -> &'static str {
        self.0.variant()
    }
    fn key_shape(&self) -> Shape {
        self.0.key_shape()
    }
    fn elem_shape(&self) -> Shape {
        self.0.elem_shape()
    }
    fn insert(&mut self, key: &[u8], val: &[u8]) -> bool {
        self.0.insert(key, val)
    }
    fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.0.get(key)
    }
    fn remove(&mut self, key: &[u8]) -> bool {
        self.0.remove(key)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn clear(&mut self) {
        self.0.clear()
    }
    fn for_each(&mut self, f: &mut dyn FnMut(&[u8], &[u8])) {
        self.0.for_each(f)
    }
    fn accounting(&self) -> Option<Accounting> {
        self.0.accounting()
    }
    fn exactness(&self) -> Exactness {
        self.0.exactness()
    }
    fn structure(&self) -> Option<Structure> {
        self.0.structure()
    }
    fn swiss(&self) -> Option<SwissShape> {
        self.0.swiss()
    }
    fn growing(&self) -> bool {
        self.0.growing()
    }
    fn pending_growth(&self) -> Option<GrowKind> {
        self.0.pending_growth()
    }
    fn start_pending_growth(&mut self) -> Option<GrowKind> {
        self.0.start_pending_growth()
    }
    fn swiss_structure(&self) -> Option<crate::goswiss::Structure> {
        self.0.swiss_structure()
    }
    fn rehash_for(&self, key: &[u8]) -> Option<crate::goswiss::RehashFor> {
        self.0.rehash_for(key)
    }
    fn check_invariants(&self) -> Result<(), String> {
        self.0.check_invariants()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{build, build_any, HasherChoice, MapSpec, Variant, Visit};
    use super::*;
    use crate::accounting::Counting;
    use crate::gomap::Knobs;

    /// A map's accounting and its entries, sorted.
    type Figures = (Option<Accounting>, Vec<(Vec<u8>, Vec<u8>)>);

    /// A churn workload's accounting and entries.
    fn figures(map: &mut dyn ErasedMap) -> Figures {
        crate::workload::churn(map, 700, 3, 50, 9);
        map.check_invariants().expect("invariants hold");
        let mut entries = Vec::new();
        map.for_each(&mut |k, v| entries.push((k.to_vec(), v.to_vec())));
        entries.sort();
        (map.accounting(), entries)
    }

    struct Concrete;

    impl Visit for Concrete {
        type Out = Figures;
        fn visit<M: MapUnderStudy>(self, mut map: M) -> Self::Out {
            figures(&mut map)
        }
    }

    /// The boxed map does exactly what the concrete one does: the same
    /// accounting (every byte per path) and the same entries, per variant.
    #[test]
    fn a_boxed_map_counts_what_the_concrete_map_counts() {
        let (k, v) = (Shape::words(1), Shape::words(2));
        for variant in Variant::ALL {
            let spec = MapSpec {
                variant,
                knobs: Knobs::default(),
                hint: 0,
                seed: 3,
            };
            let concrete = build::<Counting, _>(&spec, k, v, Concrete).unwrap();
            let mut boxed = build_any::<Counting>(&spec, k, v, HasherChoice::Seeded).unwrap();
            assert_eq!(MapUnderStudy::variant(&boxed), variant.name());
            let copy = boxed.clone();
            let erased = figures(&mut boxed);
            assert!(
                concrete.0.as_ref().is_some_and(|a| a.total_bytes() > 0),
                "{variant}"
            );
            assert_eq!(erased, concrete, "{variant}");
            // A clone is the state it was cloned from (empty here).
            assert_eq!(MapUnderStudy::len(&copy), 0, "{variant}");
        }
    }
}
