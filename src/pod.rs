//! Fixed-size keys and values: the data a map under study stores.
//!
//! Every key and value is a [`Blob`] of `W` 64-bit words (8·W bytes), so key
//! size and value size are matrix axes (8, 16, 32, 64, 128, 256 bytes) while
//! copies stay monomorphic and fast. Word 0 carries the id a workload chose;
//! the remaining words are derived from it, so every byte of a key takes part
//! in hashing and comparison, as it would for a real wide key.

use std::fmt::Debug;
use std::hash::Hash;

/// A plain-old-data key or value made of whole 64-bit words.
pub trait Pod: Copy + Eq + Hash + Default + Debug + 'static {
    /// Number of 64-bit words.
    const WORDS: usize;
    /// Size in bytes.
    const BYTES: usize = Self::WORDS * 8;
    /// The words, in order.
    fn words(&self) -> &[u64];
    /// Builds a value from exactly `WORDS` words.
    fn from_words(w: &[u64]) -> Self;
    /// Copies the words into `dst` (exactly `WORDS` long).
    fn write_words(&self, dst: &mut [u64]);
    /// Whether the words in `w` (exactly `WORDS` long) equal this value.
    fn eq_words(&self, w: &[u64]) -> bool;
    /// A deterministic value whose first word is `id` (distinct ids give distinct values).
    fn from_id(id: u64) -> Self;
    /// The id this value was built from (its first word).
    fn id(&self) -> u64 {
        self.words()[0]
    }
}

/// `W` words of plain data: a key or value of `8·W` bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Blob<const W: usize>(pub [u64; W]);

impl<const W: usize> Default for Blob<W> {
    fn default() -> Self {
        Blob([0; W])
    }
}

/// The filler word `i` of the value with id `id` (a SplitMix64 step).
#[inline]
fn filler(id: u64, i: usize) -> u64 {
    let mut z = id.wrapping_add((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl<const W: usize> Pod for Blob<W> {
    const WORDS: usize = W;

    #[inline(always)]
    fn words(&self) -> &[u64] {
        &self.0
    }

    #[inline(always)]
    fn from_words(w: &[u64]) -> Self {
        let mut a = [0u64; W];
        a.copy_from_slice(&w[..W]);
        Blob(a)
    }

    #[inline(always)]
    fn write_words(&self, dst: &mut [u64]) {
        dst[..W].copy_from_slice(&self.0);
    }

    #[inline(always)]
    fn eq_words(&self, w: &[u64]) -> bool {
        let w: &[u64; W] = w[..W].try_into().expect("slot has W words");
        self.0 == *w
    }

    fn from_id(id: u64) -> Self {
        let mut a = [0u64; W];
        a[0] = id;
        for (i, x) in a.iter_mut().enumerate().skip(1) {
            *x = filler(id, i);
        }
        Blob(a)
    }
}

/// Key and value sizes (bytes) the suite is built for.
pub const SUPPORTED_SIZES: [usize; 6] = [8, 16, 32, 64, 128, 256];

/// Calls `$body` with type alias `$t` bound to the [`Blob`] of `$bytes` bytes.
///
/// `$bytes` must be one of [`SUPPORTED_SIZES`]; the `$fallback` arm runs
/// otherwise. This is the one place where a runtime size becomes a type.
#[macro_export]
macro_rules! with_blob {
    ($bytes:expr, $t:ident => $body:expr, _ => $fallback:expr) => {
        match $bytes {
            8 => {
                type $t = $crate::pod::Blob<1>;
                $body
            }
            16 => {
                type $t = $crate::pod::Blob<2>;
                $body
            }
            32 => {
                type $t = $crate::pod::Blob<4>;
                $body
            }
            64 => {
                type $t = $crate::pod::Blob<8>;
                $body
            }
            128 => {
                type $t = $crate::pod::Blob<16>;
                $body
            }
            256 => {
                type $t = $crate::pod::Blob<32>;
                $body
            }
            _ => $fallback,
        }
    };
}

/// Checks that `bytes` is a supported key/value size, with an error naming the valid ones.
pub fn check_size(what: &str, bytes: usize) -> Result<(), String> {
    if SUPPORTED_SIZES.contains(&bytes) {
        Ok(())
    } else {
        Err(format!(
            "{what} size {bytes} is not supported; valid sizes (bytes): {}",
            SUPPORTED_SIZES.map(|s| s.to_string()).join(", ")
        ))
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
        let mut buf = [0u64; 4];
        k.write_words(&mut buf);
        assert_eq!(Blob::<4>::from_words(&buf), k);
        assert!(k.eq_words(&buf));
        buf[3] ^= 1;
        assert!(!k.eq_words(&buf));
        assert_ne!(Blob::<4>::from_id(43), k);
    }

    #[test]
    fn with_blob_maps_sizes_to_types() {
        for s in SUPPORTED_SIZES {
            let bytes = with_blob!(s, T => T::BYTES, _ => 0);
            assert_eq!(bytes, s);
        }
        assert_eq!(with_blob!(24usize, T => T::BYTES, _ => 0), 0);
        assert!(check_size("key", 24)
            .unwrap_err()
            .contains("8, 16, 32, 64, 128, 256"));
    }
}
