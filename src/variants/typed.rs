//! A typed view of any map under study, for tests, benchmarks and examples:
//! keys and values as [`Pod`] types, converted to the bytes the map takes.
//! The library itself never instantiates it, so it costs no build time
//! beyond the code that uses it.

use super::MapUnderStudy;
use crate::accounting::{Off, Probe};
use crate::gomap::{GoHeap, GoMap, Knobs, Storage};
use crate::hash::{KeyHasher, SeededHash};
use crate::pod::Pod;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// A map under study whose keys are `K` and values `V`. Derefs to the map,
/// so the map's own methods (`probe`, `structure`, ...) stay in reach.
#[derive(Clone)]
pub struct Typed<K, V, M> {
    /// The map.
    pub map: M,
    _kv: PhantomData<(K, V)>,
}

/// Go's classic map with typed keys and values.
pub type TypedGo<K, V, H = SeededHash, P = Off, S = GoHeap> = Typed<K, V, GoMap<H, P, S>>;

impl<K: Pod, V: Pod, H: KeyHasher, P: Probe, S: Storage> Typed<K, V, GoMap<H, P, S>> {
    /// `make(map[K]V, hint)`: [`GoMap::with_config`] with `K`'s and `V`'s shapes.
    pub fn with_config(knobs: Knobs, hint: usize, seed: u64, hasher: H) -> Self {
        Typed::new(GoMap::with_config(
            K::shape(),
            V::shape(),
            knobs,
            hint,
            seed,
            hasher,
        ))
    }

    /// All entries, in Go's randomised iteration order.
    pub fn iter(&mut self) -> impl Iterator<Item = (K, V)> + '_ {
        self.map
            .iter()
            .map(|(k, v)| (K::from_bytes(k), V::from_bytes(v)))
    }

    /// The next entry of an iteration started with `iter_start`.
    pub fn iter_next_typed(&self, it: &mut crate::gomap::GoIter) -> Option<(K, V)> {
        self.map
            .iter_next(it)
            .map(|(k, v)| (K::from_bytes(k), V::from_bytes(v)))
    }
}

impl<K: Pod, V: Pod, M: MapUnderStudy> Typed<K, V, M> {
    /// Wraps `map` (its key and value shapes must be `K`'s and `V`'s).
    pub fn new(map: M) -> Self {
        assert_eq!(map.key_shape(), K::shape(), "key type of the map");
        assert_eq!(map.elem_shape(), V::shape(), "value type of the map");
        Typed {
            map,
            _kv: PhantomData,
        }
    }

    /// Inserts or updates; `true` when the key was new.
    #[inline(always)]
    pub fn insert(&mut self, k: K, v: V) -> bool {
        self.map.insert(k.as_bytes(), v.as_bytes())
    }

    /// The value under `k`.
    pub fn get(&self, k: &K) -> Option<V> {
        self.map.get(k.as_bytes()).map(V::from_bytes)
    }

    /// Deletes `k`; whether it was present.
    pub fn remove(&mut self, k: &K) -> bool {
        self.map.remove(k.as_bytes())
    }

    /// Calls `f` for every entry, in the map's iteration order.
    pub fn for_each(&mut self, mut f: impl FnMut(K, V)) {
        self.map
            .for_each(&mut |k, v| f(K::from_bytes(k), V::from_bytes(v)));
    }
}

impl<K, V, M> Deref for Typed<K, V, M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.map
    }
}

impl<K, V, M> DerefMut for Typed<K, V, M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.map
    }
}
