//! The map type descriptor: slot and group layout, as Go's compiler lays
//! them out for `internal/abi.MapType` (Go 1.24+).
//!
//! Mirrors `cmd/compile/internal/reflectdata` `SwissMapGroupType` and the
//! fields of `abi.MapType` (`GroupSize`, `SlotSize`, `ElemOff`, the
//! `MapIndirectKey`/`MapIndirectElem` flags):
//!
//! - a key or elem over [`MAX_INLINE_BYTES`] (`abi.MapMaxKeyBytes`,
//!   `abi.MapMaxElemBytes`: 128) is stored as an 8-byte pointer to its own
//!   heap object;
//! - a slot is the struct `{key; elem}`: the elem starts at the key's size
//!   rounded up to the elem's alignment, and the slot's size is rounded up
//!   to the larger alignment (a `uint8` key with a `uint64` elem wastes 7
//!   bytes per slot);
//! - a group is the struct `{ctrl uint64; slots [8]slot}`.
//!
//! Sizes are bytes throughout. The shapes mapamp stores today are whole
//! 64-bit words (8-byte aligned), which the table storage relies on
//! ([`MapType::new`] checks it).

/// Slots per group (`abi.MapGroupSlots`).
pub const GROUP_SLOTS: usize = 8;
/// Keys and elems over this many bytes are stored indirectly
/// (`abi.MapMaxKeyBytes`, `abi.MapMaxElemBytes`).
pub const MAX_INLINE_BYTES: usize = 128;
/// Bytes of the control word at the start of every group.
pub const CTRL_BYTES: usize = 8;
/// Bytes of a pointer (64-bit platforms).
pub const PTR_BYTES: usize = 8;

fn align_up(n: usize, a: usize) -> usize {
    n.div_ceil(a) * a
}

/// The layout of one map type (`abi.MapType`), all sizes in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapType {
    /// Size of the key type.
    pub key_size: usize,
    /// Size of the elem type.
    pub elem_size: usize,
    /// Whether the slot holds a pointer to the key (`IndirectKey`).
    pub indirect_key: bool,
    /// Whether the slot holds a pointer to the elem (`IndirectElem`).
    pub indirect_elem: bool,
    /// Bytes the slot stores for the key (the key, or a pointer).
    pub key_slot: usize,
    /// Bytes the slot stores for the elem (the elem, or a pointer).
    pub elem_slot: usize,
    /// Offset of the elem within the slot (`ElemOff`).
    pub elem_off: usize,
    /// Size of one slot (`SlotSize`).
    pub slot_size: usize,
    /// Size of one group: control word plus 8 slots (`GroupSize`).
    pub group_size: usize,
}

impl MapType {
    /// The layout for keys and elems of the given sizes and alignments.
    ///
    /// [`MapType::word_storable`] says whether the model's word-based
    /// storage can hold it.
    pub fn with_align(
        key_size: usize,
        key_align: usize,
        elem_size: usize,
        elem_align: usize,
    ) -> MapType {
        let indirect_key = key_size > MAX_INLINE_BYTES;
        let indirect_elem = elem_size > MAX_INLINE_BYTES;
        let (key_slot, key_align) = if indirect_key {
            (PTR_BYTES, PTR_BYTES)
        } else {
            (key_size, key_align.max(1))
        };
        let (elem_slot, elem_align) = if indirect_elem {
            (PTR_BYTES, PTR_BYTES)
        } else {
            (elem_size, elem_align.max(1))
        };
        let elem_off = align_up(key_slot, elem_align);
        let slot_align = key_align.max(elem_align);
        let mut slot_size = align_up(elem_off + elem_slot, slot_align);
        // Go pads a struct whose last field has size 0 so that a pointer to
        // that field cannot point past the object (cmd/compile types.CalcStructSize).
        if elem_slot == 0 && key_slot > 0 {
            slot_size = align_up(elem_off + 1, slot_align);
        }
        let group_size = align_up(
            CTRL_BYTES + GROUP_SLOTS * slot_size,
            slot_align.max(CTRL_BYTES),
        );
        MapType {
            key_size,
            elem_size,
            indirect_key,
            indirect_elem,
            key_slot,
            elem_slot,
            elem_off,
            slot_size,
            group_size,
        }
    }

    /// The layout for keys and elems made of 64-bit words (8-byte aligned).
    pub fn new(key_size: usize, elem_size: usize) -> MapType {
        MapType::with_align(key_size, 8, elem_size, 8)
    }

    /// Whether keys, elems and slots all start on 64-bit words: the
    /// model's table storage is word-based (every shape mapamp builds
    /// today is); a byte-granular shape needs byte storage first.
    pub fn word_storable(&self) -> bool {
        self.key_slot.is_multiple_of(8)
            && self.elem_off.is_multiple_of(8)
            && self.slot_size.is_multiple_of(8)
    }

    /// Words of one group.
    #[inline]
    pub fn group_words(&self) -> usize {
        self.group_size / 8
    }

    /// Words of one slot.
    #[inline]
    pub fn slot_words(&self) -> usize {
        self.slot_size / 8
    }

    /// Bytes a new key's write stores: key and elem (or pointers and the
    /// objects they point to), and one control byte.
    pub fn assign_bytes(&self) -> u64 {
        let objects = if self.indirect_key { self.key_size } else { 0 }
            + if self.indirect_elem {
                self.elem_size
            } else {
                0
            };
        1 + self.slot_store_bytes() + objects as u64
    }

    /// Bytes a new key's slot write stores: key (or pointer), elem (or pointer).
    pub fn slot_store_bytes(&self) -> u64 {
        (self.key_slot + self.elem_slot) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_follow_go_struct_rules() {
        let t = MapType::new(8, 8);
        assert_eq!((t.slot_size, t.elem_off, t.group_size), (16, 8, 136));
        let t = MapType::new(256, 16);
        assert!(t.indirect_key && !t.indirect_elem);
        assert_eq!((t.slot_size, t.elem_off, t.group_size), (24, 8, 200));
        let t = MapType::new(128, 256);
        assert!(!t.indirect_key && t.indirect_elem);
        assert_eq!(t.slot_size, 136);
    }

    #[test]
    fn padding_of_mixed_alignment_slots() {
        // uint8 key, uint64 elem: 7 bytes of padding per slot.
        let t = MapType::with_align(1, 1, 8, 8);
        assert_eq!((t.elem_off, t.slot_size, t.group_size), (8, 16, 136));
        assert!(!t.word_storable(), "the key is one byte");
        // uint32 key, uint8 elem: slot of 8 (3 bytes padding), not word-storable.
        let t = MapType::with_align(4, 4, 1, 1);
        assert_eq!((t.elem_off, t.slot_size, t.group_size), (4, 8, 72));
        assert!(!t.word_storable());
        // struct{} elem after a uint64 key: padded so the elem stays inside.
        let t = MapType::with_align(8, 8, 0, 1);
        assert_eq!((t.elem_off, t.slot_size), (8, 16));
    }
}
