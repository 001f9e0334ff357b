//! Tophash markers, the model's accounting of slot stores, and the
//! word-at-a-time tophash helpers.
//!
//! The bucket's layout itself — where the tophash bytes, keys, values and
//! the overflow link sit, and which slots are pointers — is the map type's
//! [`BucketType`] (`crate::gotype`), built as Go's compiler builds `bmap`.
//! Buckets are byte-addressed: the eight tophash bytes are bytes 0–7 (read
//! as one little-endian word, byte `i` in bits `8i..8i+8`), key slot `i`
//! is at [`BucketType::key_off`], value slot `i` at
//! [`BucketType::elem_off`], the link at `overflow_off`.
//!
//! Keys or values larger than the inline limit (128 bytes in Go) are stored
//! indirectly: the slot holds one word naming a separately allocated object.

use crate::gotype::BucketType;
pub use crate::gotype::{GO_MAX_INLINE as GO_INLINE_LIMIT, PTR_SIZE, SLOTS as BUCKET_CNT};

/// This slot and every later one in the chain are empty (`emptyRest`).
pub const EMPTY_REST: u8 = 0;
/// This slot is empty (`emptyOne`).
pub const EMPTY_ONE: u8 = 1;
/// Entry evacuated to the low half of the new array (`evacuatedX`).
pub const EVACUATED_X: u8 = 2;
/// Entry evacuated to the high half of the new array (`evacuatedY`).
pub const EVACUATED_Y: u8 = 3;
/// Empty slot, bucket evacuated (`evacuatedEmpty`).
pub const EVACUATED_EMPTY: u8 = 4;
/// Smallest tophash of a live entry (`minTopHash`).
pub const MIN_TOP_HASH: u8 = 5;
/// Size of a pointer, and of an indirect slot, in bytes.
pub const PTR_BYTES: u64 = PTR_SIZE as u64;

/// The tophash of a hash: its top 8 bits, lifted above the reserved markers (`tophash`).
#[inline(always)]
pub fn tophash(hash: u64) -> u8 {
    let top = (hash >> 56) as u8;
    if top < MIN_TOP_HASH {
        top + MIN_TOP_HASH
    } else {
        top
    }
}

/// Whether a tophash marks an empty slot (`isEmpty`).
#[inline(always)]
pub fn is_empty(top: u8) -> bool {
    top <= EMPTY_ONE
}

/// Whether a bucket whose first tophash is `top0` has been evacuated (`evacuated`).
#[inline(always)]
pub fn is_evacuated(top0: u8) -> bool {
    top0 > EMPTY_ONE && top0 < MIN_TOP_HASH
}

/// Bytes a new entry's assign stores: tophash, key slot, value slot and,
/// for indirect slots, the separately allocated objects.
pub fn assign_bytes(t: &BucketType) -> u64 {
    let mut n = 1 + t.key_slot as u64 + t.elem_slot as u64;
    if t.indirect_key {
        n += t.key.size as u64;
    }
    if t.indirect_elem {
        n += t.elem.size as u64;
    }
    n
}

/// Bytes an evacuation copies per moved entry: tophash and both slots
/// (pointers, not objects, for indirect slots).
pub fn evacuate_entry_bytes(t: &BucketType) -> u64 {
    1 + t.key_slot as u64 + t.elem_slot as u64
}

/// Slot geometry of the hot paths (insert fast path, lone-bucket
/// evacuation). Built with `IS_KV88` (8-byte keys and values,
/// `map[uint64]uint64`: the u64 path the speed targets are for) every field
/// is a constant, so offsets and bounds fold away as they did when keys were
/// Rust types; otherwise it is the map type's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Geo {
    /// Bucket size.
    pub bb: usize,
    /// Offset of key slot 0.
    pub keys_off: usize,
    /// Bytes of a key slot.
    pub key_slot: usize,
    /// Offset of value slot 0.
    pub elems_off: usize,
    /// Bytes of a value slot.
    pub elem_slot: usize,
}

/// The geometry of an 8-byte-key, 8-byte-value bucket (tested equal to
/// its `BucketType`): 8 tophash bytes, 8 keys, 8 values, the link.
pub(crate) const KV88: Geo = Geo {
    bb: 144,
    keys_off: 8,
    key_slot: 8,
    elems_off: 72,
    elem_slot: 8,
};

impl Geo {
    /// The geometry of `t`, or the constant [`KV88`] one.
    #[inline(always)]
    pub fn of<const IS_KV88: bool>(t: &BucketType) -> Geo {
        if IS_KV88 {
            KV88
        } else {
            Geo {
                bb: t.bucket_size,
                keys_off: t.keys_off,
                key_slot: t.key_slot,
                elems_off: t.elems_off,
                elem_slot: t.elem_slot,
            }
        }
    }

    /// Offset of key slot `i`.
    #[inline(always)]
    pub fn key_off(&self, i: usize) -> usize {
        self.keys_off + (i & (BUCKET_CNT - 1)) * self.key_slot
    }

    /// Offset of value slot `i`.
    #[inline(always)]
    pub fn elem_off(&self, i: usize) -> usize {
        self.elems_off + (i & (BUCKET_CNT - 1)) * self.elem_slot
    }

    /// Copies a value into the slot at `off` (a fixed 8-byte copy for `KV88`).
    #[inline(always)]
    pub fn put_val<const IS_KV88: bool>(b: &mut [u8], off: usize, val: &[u8]) {
        if IS_KV88 {
            b[off..off + 8].copy_from_slice(&val[..8]);
        } else {
            crate::mem::copy(&mut b[off..], val);
        }
    }
}

/// Whether `t`'s buckets have the [`KV88`] geometry.
pub(crate) fn is_kv88(t: &BucketType) -> bool {
    t.all_inline() && Geo::of::<false>(t) == KV88
}

/// Calls `$self.$method::<INLINE>(args)` with `INLINE` set from the map
/// type: `true` when keys and values are both in their slots, so the
/// indirect-slot branches fold away.
#[macro_export]
#[doc(hidden)]
macro_rules! by_geometry {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        if $self.t.all_inline() {
            $self.$method::<true>($($arg),*)
        } else {
            $self.$method::<false>($($arg),*)
        }
    };
}

/// The tophash word of a bucket (its first 8 bytes).
#[inline(always)]
pub fn top_word(bucket: &[u8]) -> u64 {
    crate::mem::load64(bucket, 0)
}

/// Stores the tophash word of a bucket.
#[inline(always)]
pub fn set_top_word(bucket: &mut [u8], w: u64) {
    crate::mem::store64(bucket, 0, w)
}

/// Tophash byte `i` of a bucket.
#[inline(always)]
pub fn get_top(bucket: &[u8], i: usize) -> u8 {
    bucket[i]
}

/// Sets tophash byte `i` of a bucket.
#[inline(always)]
pub fn set_top(bucket: &mut [u8], i: usize, v: u8) {
    bucket[i] = v;
}

/// Tophash word `word` with byte `i` replaced by `v`.
#[inline(always)]
pub fn with_top(word: u64, i: usize, v: u8) -> u64 {
    let shift = i * 8;
    (word & !(0xFFu64 << shift)) | ((v as u64) << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gotype::Shape;

    #[test]
    fn kv88_geometry_is_the_map_types() {
        for (k, v) in [
            (Shape::words(1), Shape::words(1)),
            (Shape::scalar(8), Shape::bytes(8)),
        ] {
            let t = BucketType::new(k, v, GO_INLINE_LIMIT);
            assert!(is_kv88(&t));
            assert_eq!(t.fast, crate::gotype::FastPath::Fast64);
        }
        assert!(!is_kv88(&BucketType::new(
            Shape::words(1),
            Shape::words(2),
            GO_INLINE_LIMIT
        )));
        assert!(!is_kv88(&BucketType::new(
            Shape::words(1),
            Shape::words(1),
            4
        )));
    }

    #[test]
    fn slot_stores_counted() {
        let t = BucketType::new(Shape::words(1), Shape::words(1), GO_INLINE_LIMIT);
        assert_eq!(assign_bytes(&t), 17);
        assert_eq!(evacuate_entry_bytes(&t), 17);
        // 256-byte values are stored through pointers: the object is written too.
        let l = BucketType::new(Shape::words(1), Shape::words(32), GO_INLINE_LIMIT);
        assert_eq!(assign_bytes(&l), 1 + 8 + 8 + 256);
        assert_eq!(evacuate_entry_bytes(&l), 17);
        // map[int32]bool: tophash + 4 + 1.
        let b = BucketType::new(Shape::scalar(4), Shape::scalar(1), GO_INLINE_LIMIT);
        assert_eq!(assign_bytes(&b), 6);
    }

    #[test]
    fn tophash_skips_markers() {
        assert_eq!(tophash(0), MIN_TOP_HASH);
        assert_eq!(tophash(4 << 56), 4 + MIN_TOP_HASH);
        assert_eq!(tophash(0xAB << 56), 0xAB);
        assert!(is_evacuated(EVACUATED_X) && is_evacuated(EVACUATED_EMPTY));
        assert!(!is_evacuated(EMPTY_ONE) && !is_evacuated(MIN_TOP_HASH));
    }

    #[test]
    fn tophash_bytes_are_independent() {
        let mut b = [0u8; 144];
        for i in 0..8 {
            set_top(&mut b, i, 10 + i as u8);
        }
        set_top(&mut b, 3, EMPTY_ONE);
        assert_eq!(get_top(&b, 3), EMPTY_ONE);
        assert_eq!(get_top(&b, 7), 17);
        assert_eq!(get_top(&b, 0), 10);
    }
}

/// Bytes of `0x01`, for broadcasting a byte across a word.
const LSB: u64 = 0x0101_0101_0101_0101;
/// Low seven bits of every byte.
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// `0x80` in every byte of `x` that is zero, `0` elsewhere (exact: no
/// false positives from borrows between bytes).
#[inline(always)]
pub fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// A tophash word with every byte `v`.
#[inline(always)]
pub fn splat(v: u8) -> u64 {
    LSB * v as u64
}

/// Slots of a tophash word whose byte equals `top`.
#[inline(always)]
pub fn slots_matching(word: u64, top: u8) -> u64 {
    zero_bytes(word ^ splat(top))
}

/// Slots of a tophash word that are empty (`emptyRest` or `emptyOne`).
#[inline(always)]
pub fn slots_empty(word: u64) -> u64 {
    zero_bytes(word & !LSB)
}

/// Slots of a tophash word that hold an entry, for a bucket not yet
/// evacuated (whose slots are empty or live).
#[inline(always)]
pub fn slots_live(word: u64) -> u64 {
    !slots_empty(word) & (LSB << 7)
}

/// Slots of a tophash word marked `emptyRest`.
#[inline(always)]
pub fn slots_rest(word: u64) -> u64 {
    zero_bytes(word)
}

/// The slot index of the lowest slot in a non-zero slot mask.
#[inline(always)]
pub fn first_slot(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The slots of a mask that come before the first `emptyRest` (where Go's
/// loops stop), given that word's `slots_rest` mask.
#[inline(always)]
pub fn before_rest(mask: u64, rest: u64) -> u64 {
    if rest == 0 {
        mask
    } else {
        mask & ((1u64 << rest.trailing_zeros()) - 1)
    }
}

#[cfg(test)]
mod swar_tests {
    use super::*;

    fn word(tops: [u8; 8]) -> u64 {
        let mut b = [0u8; 8];
        for (i, t) in tops.iter().enumerate() {
            set_top(&mut b, i, *t);
        }
        top_word(&b)
    }

    #[test]
    fn masks_agree_with_a_byte_loop() {
        let mut r = crate::rng::Rng::new(9);
        for _ in 0..20_000 {
            let mut tops = [0u8; 8];
            for t in &mut tops {
                *t = match r.below(4) {
                    0 => EMPTY_REST,
                    1 => EMPTY_ONE,
                    2 => r.below(5) as u8,
                    _ => r.below(256) as u8,
                };
            }
            let w = word(tops);
            let top = (5 + r.below(251)) as u8;
            for i in 0..8 {
                let bit = 0x80u64 << (8 * i);
                assert_eq!(slots_matching(w, top) & bit != 0, tops[i] == top);
                assert_eq!(slots_empty(w) & bit != 0, is_empty(tops[i]));
                assert_eq!(slots_live(w) & bit != 0, !is_empty(tops[i]));
                assert_eq!(slots_rest(w) & bit != 0, tops[i] == EMPTY_REST);
                let first_rest = tops.iter().position(|&t| t == EMPTY_REST).unwrap_or(8);
                assert_eq!(
                    before_rest(LSB << 7, slots_rest(w)) & bit != 0,
                    i < first_rest
                );
            }
        }
    }
}
