//! Bucket layout and tophash: constants and the pure functions over them.
//!
//! Mirrors the `bmap` type of `runtime/map.go`: `tophash[8]`, then 8 keys,
//! then 8 values (keys packed together, values packed together, no padding
//! between them), then one overflow link. A bucket is stored as whole 64-bit
//! words: word 0 holds the eight tophash bytes (byte `i` in bits `8i..8i+8`),
//! keys and values follow, and the last word is the overflow link.
//!
//! Keys or values larger than the inline limit (128 bytes in Go) are stored
//! indirectly: the slot holds one word naming a separately allocated object.

/// Maximum number of key/elem pairs a bucket can hold (`bucketCnt`).
pub const BUCKET_CNT: usize = 8;
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
/// Go's limit above which keys and values are stored indirectly (`maxKeySize`, `maxElemSize`).
pub const GO_INLINE_LIMIT: usize = 128;
/// Size of a pointer, and of an indirect slot, in bytes.
pub const PTR_BYTES: u64 = 8;

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

/// Sizes and word offsets of one bucket type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Logical key size in bytes.
    pub key_bytes: usize,
    /// Logical value size in bytes.
    pub val_bytes: usize,
    /// Keys stored through a pointer (key larger than the inline limit).
    pub key_indirect: bool,
    /// Values stored through a pointer.
    pub val_indirect: bool,
    /// Words per key slot (1 when indirect).
    pub key_slot_words: usize,
    /// Words per value slot (1 when indirect).
    pub val_slot_words: usize,
    /// Word offset of the first value slot.
    pub vals_offset: usize,
    /// Words per bucket, link included.
    pub bucket_words: usize,
}

impl Layout {
    /// The layout for keys of `key_words` and values of `val_words` words,
    /// storing indirectly whatever is larger than `inline_limit` bytes.
    pub fn new(key_words: usize, val_words: usize, inline_limit: usize) -> Layout {
        let key_bytes = key_words * 8;
        let val_bytes = val_words * 8;
        let key_indirect = key_bytes > inline_limit;
        let val_indirect = val_bytes > inline_limit;
        let key_slot_words = if key_indirect { 1 } else { key_words };
        let val_slot_words = if val_indirect { 1 } else { val_words };
        let vals_offset = 1 + BUCKET_CNT * key_slot_words;
        Layout {
            key_bytes,
            val_bytes,
            key_indirect,
            val_indirect,
            key_slot_words,
            val_slot_words,
            vals_offset,
            bucket_words: vals_offset + BUCKET_CNT * val_slot_words + 1,
        }
    }

    /// Bucket size in bytes (`t.bucketsize`): 144 for 8-byte keys and values.
    #[inline(always)]
    pub fn bucket_bytes(&self) -> u64 {
        self.bucket_words as u64 * 8
    }

    /// Whether the bucket type holds pointers (`t.bucket.ptrdata != 0`): only
    /// indirect slots do here, as keys and values are plain data.
    #[inline(always)]
    pub fn has_pointers(&self) -> bool {
        self.key_indirect || self.val_indirect
    }

    /// Bytes a key slot occupies.
    #[inline(always)]
    pub fn key_slot_bytes(&self) -> u64 {
        self.key_slot_words as u64 * 8
    }

    /// Bytes a value slot occupies.
    #[inline(always)]
    pub fn val_slot_bytes(&self) -> u64 {
        self.val_slot_words as u64 * 8
    }

    /// Word offset of key slot `i` within a bucket.
    #[inline(always)]
    pub fn key_off(&self, i: usize) -> usize {
        1 + i * self.key_slot_words
    }

    /// Word offset of value slot `i` within a bucket.
    #[inline(always)]
    pub fn val_off(&self, i: usize) -> usize {
        self.vals_offset + i * self.val_slot_words
    }

    /// Word offset of the overflow link.
    #[inline(always)]
    pub fn link_off(&self) -> usize {
        self.bucket_words - 1
    }

    /// Bytes a new entry's assign stores: tophash, key slot, value slot and,
    /// for indirect slots, the separately allocated objects.
    pub fn assign_bytes(&self) -> u64 {
        let mut n = 1 + self.key_slot_bytes() + self.val_slot_bytes();
        if self.key_indirect {
            n += self.key_bytes as u64;
        }
        if self.val_indirect {
            n += self.val_bytes as u64;
        }
        n
    }

    /// Bytes an evacuation copies per moved entry: tophash and both slots
    /// (pointers, not objects, for indirect slots).
    pub fn evacuate_entry_bytes(&self) -> u64 {
        1 + self.key_slot_bytes() + self.val_slot_bytes()
    }
}

impl Layout {
    /// Whether keys and values are both stored inline (no pointers in slots).
    #[inline(always)]
    pub fn all_inline(&self) -> bool {
        !self.key_indirect && !self.val_indirect
    }
}

/// Word geometry of a bucket as the hot paths use it. Built with
/// `INLINE = true` (no indirect slots) every field is a compile-time
/// constant of the key and value types, so offsets and bounds fold away.
#[derive(Clone, Copy, Debug)]
pub struct Geo {
    /// Words per bucket.
    pub bw: usize,
    /// Words per key slot.
    pub ksw: usize,
    /// Words per value slot.
    pub vsw: usize,
    /// Word offset of value slot 0.
    pub voff: usize,
    /// Word offset of the overflow link.
    pub link: usize,
    /// Keys are stored through pointers.
    pub key_indirect: bool,
    /// Values are stored through pointers.
    pub val_indirect: bool,
}

impl Geo {
    /// The geometry of `lay` for key/value word counts `kw`/`vw`; with
    /// `INLINE` the layout is known to store both inline.
    #[inline(always)]
    pub fn of<const INLINE: bool>(lay: &Layout, kw: usize, vw: usize) -> Geo {
        if INLINE {
            Geo {
                bw: 2 + BUCKET_CNT * (kw + vw),
                ksw: kw,
                vsw: vw,
                voff: 1 + BUCKET_CNT * kw,
                link: 1 + BUCKET_CNT * (kw + vw),
                key_indirect: false,
                val_indirect: false,
            }
        } else {
            Geo {
                bw: lay.bucket_words,
                ksw: lay.key_slot_words,
                vsw: lay.val_slot_words,
                voff: lay.vals_offset,
                link: lay.bucket_words - 1,
                key_indirect: lay.key_indirect,
                val_indirect: lay.val_indirect,
            }
        }
    }

    /// Word offset of key slot `i`.
    #[inline(always)]
    pub fn key_off(&self, i: usize) -> usize {
        1 + (i & (BUCKET_CNT - 1)) * self.ksw
    }

    /// Word offset of value slot `i`.
    #[inline(always)]
    pub fn val_off(&self, i: usize) -> usize {
        self.voff + (i & (BUCKET_CNT - 1)) * self.vsw
    }
}

/// Calls `$self.$method::<INLINE>(args)` with `INLINE` set from the map's layout.
#[macro_export]
#[doc(hidden)]
macro_rules! by_geometry {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        if $self.lay.all_inline() {
            $self.$method::<true>($($arg),*)
        } else {
            $self.$method::<false>($($arg),*)
        }
    };
}

/// Tophash byte `i` of a bucket.
#[inline(always)]
pub fn get_top(bucket: &[u64], i: usize) -> u8 {
    (bucket[0] >> (i * 8)) as u8
}

/// Sets tophash byte `i` of a bucket.
#[inline(always)]
pub fn set_top(bucket: &mut [u64], i: usize, v: u8) {
    bucket[0] = with_top(bucket[0], i, v);
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

    #[test]
    fn go_bucket_sizes() {
        // map[uint64]uint64: 8 + 64 + 64 + 8.
        assert_eq!(Layout::new(1, 1, GO_INLINE_LIMIT).bucket_bytes(), 144);
        // 256-byte values are stored through pointers: 8 + 64 + 64 + 8.
        let l = Layout::new(1, 32, GO_INLINE_LIMIT);
        assert!(l.val_indirect && !l.key_indirect && l.has_pointers());
        assert_eq!(l.bucket_bytes(), 144);
        // 128 bytes is still inline: 8 + 64 + 1024 + 8.
        assert_eq!(Layout::new(1, 16, GO_INLINE_LIMIT).bucket_bytes(), 1104);
        assert_eq!(Layout::new(1, 1, GO_INLINE_LIMIT).assign_bytes(), 17);
        assert_eq!(l.assign_bytes(), 1 + 8 + 8 + 256);
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
        let mut b = [0u64; 18];
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
        let mut b = [0u64; 1];
        for (i, t) in tops.iter().enumerate() {
            set_top(&mut b, i, *t);
        }
        b[0]
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
