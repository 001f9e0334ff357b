//! Loads, stores, copies and comparisons of byte-addressed slots, shared
//! by the map models.
//!
//! Maps keep keys and values as bytes of their runtime size (see
//! [`crate::gotype`]). A copy or comparison of a runtime length would be a
//! call to `memcpy`/`bcmp`; for the sizes Go's fast paths handle (4, 8 and
//! 16 bytes) these helpers take a fixed-size route instead, one predictable
//! branch away, so the u64 path costs what a typed copy costs.

/// The little-endian 64-bit word at byte `off` of `b`.
#[inline(always)]
pub fn load64(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().expect("8 bytes"))
}

/// Stores `v` little-endian at byte `off` of `b`.
#[inline(always)]
pub fn store64(b: &mut [u8], off: usize, v: u64) {
    b[off..off + 8].copy_from_slice(&v.to_le_bytes());
}

/// The little-endian 32-bit word at byte `off` of `b`.
#[inline(always)]
pub fn load32(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().expect("4 bytes"))
}

/// Copies `src` into the first `src.len()` bytes of `dst`.
#[inline(always)]
pub fn copy(dst: &mut [u8], src: &[u8]) {
    match src.len() {
        8 => dst[..8].copy_from_slice(&src[..8]),
        16 => dst[..16].copy_from_slice(&src[..16]),
        4 => dst[..4].copy_from_slice(&src[..4]),
        0 => {}
        n => dst[..n].copy_from_slice(src),
    }
}

/// Whether `a` equals the first `a.len()` bytes of `b`.
#[inline(always)]
pub fn eq(a: &[u8], b: &[u8]) -> bool {
    match a.len() {
        8 => a[..8] == b[..8],
        16 => a[..16] == b[..16],
        4 => a[..4] == b[..4],
        n => a == &b[..n],
    }
}

/// A byte view of 8-byte words (buckets live in `u64` memory so that
/// every slot Go aligns is aligned here too).
#[inline(always)]
pub fn bytes_of(words: &[u64]) -> &[u8] {
    bytemuck::cast_slice(words)
}

/// A writable byte view of 8-byte words.
#[inline(always)]
pub fn bytes_of_mut(words: &mut [u64]) -> &mut [u8] {
    bytemuck::cast_slice_mut(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_and_runtime_sizes_agree() {
        for n in [0usize, 1, 3, 4, 8, 12, 16, 24, 256] {
            let src: Vec<u8> = (0..n).map(|i| i as u8).collect();
            let mut dst = vec![0xAAu8; n + 4];
            copy(&mut dst, &src);
            assert_eq!(&dst[..n], &src[..]);
            assert!(dst[n..].iter().all(|&b| b == 0xAA));
            assert!(eq(&src, &dst));
            if n > 0 {
                dst[n - 1] ^= 1;
                assert!(!eq(&src, &dst));
            }
        }
        let mut w = [0u64; 2];
        store64(bytes_of_mut(&mut w), 8, 0x0102_0304_0506_0708);
        assert_eq!(w[1], 0x0102_0304_0506_0708);
        assert_eq!(load64(bytes_of(&w), 8), w[1]);
        assert_eq!(load32(bytes_of(&w), 8), 0x0506_0708);
    }
}
