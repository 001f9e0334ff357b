//! Where a group's parts sit, as offsets into a table's bytes, and what a
//! write of each kind stores.
//!
//! The layout itself is Go's, computed once in [`crate::gotype::GroupType`]
//! (`reflectdata.MapGroupType`): a group is an 8-byte control word and 8
//! slots, each slot the struct `{key; elem}` with its padding. Here it is
//! only turned into offsets: a table's groups sit back to back, so group
//! `g`'s control word is at `g · GroupSize` and its slot `i` at
//! `g · GroupSize + 8 + i · SlotSize` (`groupsReference.group`,
//! `groupReference.key`/`elem` in `internal/runtime/maps/group.go`). With
//! Go 1.27's `mapsplitgroup` the keys and the elems are two arrays instead
//! (key `i` at `KeysOff + i·KeyStride`, elem `i` at `ElemsOff +
//! i·ElemStride`, the same formula for both layouts).
//!
//! [`Geo`] carries those three sizes. Hot paths are compiled twice: once
//! reading them from the map's type, once with the constant geometry of
//! `map[uint64]uint64` ([`KV88`]: 136-byte groups, 16-byte slots, elem at
//! 8), so that the type Go's `mapassign_fast64` serves most often pays no
//! multiplications by run-time sizes. Which one a map takes is decided
//! once, when it is made.

use crate::gotype::{GroupLayout, GroupType, PTR_SIZE};

/// The sizes that place a slot in a table's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geo {
    /// Bytes of a group (`GroupSize`).
    pub group: usize,
    /// Offset of key 0 in a group (`KeysOff`).
    pub keys: usize,
    /// Bytes from key to key (`KeyStride`).
    pub key_stride: usize,
    /// Offset of elem 0 in a group (`ElemsOff`).
    pub elems: usize,
    /// Bytes from elem to elem (`ElemStride`).
    pub elem_stride: usize,
    /// Whether keys and elems are in separate arrays (`mapsplitgroup`):
    /// then an entry moves as key and elem, else as one slot of
    /// `key_stride` bytes.
    pub split: bool,
}

/// The geometry of `map[uint64]uint64` (and any 8-byte key with an 8-byte
/// inline elem) in the interleaved layout.
pub const KV88: Geo = Geo {
    group: 136,
    keys: 8,
    key_stride: 16,
    elems: 16,
    elem_stride: 16,
    split: false,
};

impl Geo {
    /// The geometry of `t`, or the constant [`KV88`] when `IS_KV88`.
    #[inline(always)]
    pub fn of<const IS_KV88: bool>(t: &GroupType) -> Geo {
        if IS_KV88 {
            KV88
        } else {
            Geo {
                group: t.group_size,
                keys: t.keys_off,
                key_stride: t.key_stride,
                elems: t.elems_off,
                elem_stride: t.elem_stride,
                split: t.layout == GroupLayout::Split,
            }
        }
    }

    /// Offset of group `g`'s control word.
    #[inline(always)]
    pub fn ctrl(self, g: usize) -> usize {
        g * self.group
    }

    /// Offset of slot `i`'s key in group `g`.
    #[inline(always)]
    pub fn key(self, g: usize, i: usize) -> usize {
        g * self.group + self.keys + i * self.key_stride
    }

    /// Offset of slot `i`'s elem in group `g`.
    #[inline(always)]
    pub fn elem(self, g: usize, i: usize) -> usize {
        g * self.group + self.elems + i * self.elem_stride
    }
}

/// Whether `t` has the [`KV88`] geometry with both parts inline.
pub fn is_kv88(t: &GroupType) -> bool {
    !t.indirect_key
        && !t.indirect_elem
        && t.key.size == 8
        && t.elem.size == 8
        && Geo::of::<false>(t) == KV88
}

/// Bytes one slot's write stores for key and elem: their sizes, or a
/// pointer's each when indirect.
pub fn slot_store_bytes(t: &GroupType) -> u64 {
    (t.key_slot() + t.elem_slot()) as u64
}

/// Bytes a new key's write stores: key and elem (or their pointers and the
/// objects they point to) and one control byte.
pub fn assign_bytes(t: &GroupType) -> u64 {
    let objects =
        if t.indirect_key { t.key.size } else { 0 } + if t.indirect_elem { t.elem.size } else { 0 };
    1 + slot_store_bytes(t) + objects as u64
}

/// Bytes a rehash stores per live entry it moves: the slot's key and elem
/// (pointers for indirect parts: the objects do not move) and a control byte.
pub fn moved_bytes(t: &GroupType) -> u64 {
    slot_store_bytes(t) + 1
}

/// Bytes a delete stores: the control byte, the key's pointer when
/// indirect (or the key itself when its type holds pointers: Go leaves a
/// pointer-free key's bytes in place), and the elem's pointer or the elem.
pub fn delete_bytes(t: &GroupType) -> u64 {
    let key = if t.indirect_key {
        PTR_SIZE
    } else if t.key.pointers {
        t.key.size
    } else {
        0
    };
    let elem = if t.indirect_elem {
        PTR_SIZE
    } else {
        t.elem.size
    };
    (1 + key + elem) as u64
}

/// Bytes a new directory of `len` table pointers stores: its zeroing at
/// allocation and the pointers written into it.
pub fn directory_bytes(len: usize) -> u64 {
    2 * (PTR_SIZE * len) as u64
}

/// Bytes of pointing `entries` directory entries at a new table.
pub fn repoint_bytes(entries: usize) -> u64 {
    (PTR_SIZE * entries) as u64
}

/// Whether a group holds pointers (an indirect key or elem, or a key or
/// elem type with pointers): the allocator then adds a malloc header to
/// large groups.
pub fn groups_have_pointers(t: &GroupType) -> bool {
    t.indirect_key || t.indirect_elem || t.key.pointers || t.elem.pointers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gotype::{Shape, GO_MAX_INLINE};

    #[test]
    fn geometry_and_write_sizes() {
        let t = GroupType::new(Shape::words(1), Shape::words(1), GO_MAX_INLINE);
        assert!(is_kv88(&t));
        assert_eq!(Geo::of::<false>(&t), KV88);
        assert_eq!(
            (KV88.key(2, 3), KV88.elem(2, 3)),
            (272 + 8 + 48, 272 + 8 + 48 + 8)
        );
        assert_eq!((assign_bytes(&t), moved_bytes(&t)), (17, 17));
        // int32 keys, bool elems: 8-byte slots, elem at 4.
        let t = GroupType::new(Shape::scalar(4), Shape::scalar(1), GO_MAX_INLINE);
        assert!(!is_kv88(&t));
        let g = Geo::of::<false>(&t);
        assert_eq!((g.key(1, 1), g.elem(1, 1)), (72 + 8 + 8, 72 + 8 + 8 + 4));
        assert_eq!(assign_bytes(&t), 1 + 4 + 1);
        // 256-byte keys and elems: two pointers in the slot, two objects.
        let t = GroupType::new(Shape::words(32), Shape::words(32), GO_MAX_INLINE);
        assert_eq!((assign_bytes(&t), moved_bytes(&t)), (1 + 16 + 512, 17));
        // map[int64]struct{}: the slot's padding is not stored.
        let t = GroupType::new(Shape::words(1), Shape::EMPTY, GO_MAX_INLINE);
        assert_eq!((t.key_stride, assign_bytes(&t)), (16, 9));
        // The same split (Go 1.27 mapsplitgroup): keys at 8, elems at 72.
        let t = GroupType::with_layout(
            Shape::words(1),
            Shape::EMPTY,
            GO_MAX_INLINE,
            GroupLayout::Split,
        );
        let g = Geo::of::<false>(&t);
        assert!(g.split && !is_kv88(&t));
        assert_eq!(
            (g.key(1, 2), g.elem(1, 2), assign_bytes(&t)),
            (80 + 8 + 16, 80 + 72, 9)
        );
    }
}
