//! Typed keys and values for tests, benchmarks and examples.
//!
//! The maps under study take keys and values as bytes of a runtime
//! [`Shape`] (see [`crate::gotype`]); nothing in the models or scenarios is
//! generic over a key type. Code that wants to write
//! `m.insert(Blob::from_id(1), Blob::from_id(1))` wraps a map in
//! [`crate::variants::typed::Typed`] and uses the [`Pod`] types here: a
//! [`Blob`] of `W` 64-bit words is the `[W]uint64` shape the profiles'
//! `key_size`/`value_size` mean. Word 0 carries the id a workload chose; the
//! remaining words are derived from it ([`crate::gotype::fill_from_id`]).

use crate::gotype::{fill_from_id, id_of, Shape};
use std::fmt::Debug;
use std::hash::Hash;

pub use crate::gotype::{check_size, SUPPORTED_SIZES};

/// A plain-old-data key or value with a Go shape.
pub trait Pod: Copy + Eq + Hash + Default + Debug + 'static {
    /// Size in bytes.
    const BYTES: usize;
    /// The Go shape of the type.
    fn shape() -> Shape;
    /// The value's bytes, as a map stores them.
    fn as_bytes(&self) -> &[u8];
    /// The value whose bytes are `b` (exactly `BYTES` long).
    fn from_bytes(b: &[u8]) -> Self;
    /// A deterministic value whose first word is `id` (distinct ids give
    /// distinct values): the bytes [`fill_from_id`] makes.
    fn from_id(id: u64) -> Self;
    /// The id this value was built from (its first word).
    fn id(&self) -> u64 {
        id_of(self.as_bytes())
    }
}

/// `W` words of plain data: a key or value of `8·W` bytes (`[W]uint64`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Blob<const W: usize>(pub [u64; W]);

impl<const W: usize> Default for Blob<W> {
    fn default() -> Self {
        Blob([0; W])
    }
}

impl<const W: usize> Pod for Blob<W> {
    const BYTES: usize = 8 * W;

    fn shape() -> Shape {
        Shape::words(W)
    }

    #[inline(always)]
    fn as_bytes(&self) -> &[u8] {
        bytemuck::bytes_of(&self.0)
    }

    #[inline(always)]
    fn from_bytes(b: &[u8]) -> Self {
        Blob(bytemuck::pod_read_unaligned(&b[..8 * W]))
    }

    fn from_id(id: u64) -> Self {
        let mut a = [0u64; W];
        fill_from_id(id, bytemuck::bytes_of_mut(&mut a));
        Blob(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_round_trips_and_compares() {
        let k = Blob::<4>::from_id(42);
        assert_eq!(k.id(), 42);
        assert_eq!(Blob::<4>::BYTES, 32);
        assert_eq!(Blob::<4>::from_bytes(k.as_bytes()), k);
        let mut b = k.as_bytes().to_vec();
        b[31] ^= 1;
        assert_ne!(Blob::<4>::from_bytes(&b), k);
        assert_ne!(Blob::<4>::from_id(43), k);
        // Word 0 is the id; the rest is derived from it.
        assert_eq!(k.0[0], 42);
        assert_ne!(k.0[1], 0);
        assert_eq!(Blob::<4>::shape(), Shape::words(4));
    }
}
