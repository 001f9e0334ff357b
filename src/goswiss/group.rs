//! Control words, their bitset matches, and the probe sequence
//! (`internal/runtime/maps/group.go`, `table.go` `probeSeq`).
//!
//! A control word holds one byte per slot: `0x80` empty, `0xFE` deleted
//! (a tombstone), `0b0hhhhhhh` full with the slot's H2. Matches return a
//! bitset with bit 7 of byte *i* set for each matching slot *i*, exactly as
//! Go's portable (non-SIMD) implementation does; `first` is the lowest slot.

/// Control byte of an empty slot (`ctrlEmpty`).
pub const CTRL_EMPTY: u8 = 0b1000_0000;
/// Control byte of a tombstone (`ctrlDeleted`).
pub const CTRL_DELETED: u8 = 0b1111_1110;
const LSB: u64 = 0x0101_0101_0101_0101;
const MSB: u64 = 0x8080_8080_8080_8080;
/// A control word with every slot empty (`bitsetEmpty`, `setEmpty`).
pub const CTRL_ALL_EMPTY: u64 = LSB * CTRL_EMPTY as u64;
/// Average slots in use per group before a table must grow (`maxAvgGroupLoad`).
pub const MAX_AVG_GROUP_LOAD: usize = 7;

/// H1: the probe start (`h1`, `hash >> 7`).
#[inline(always)]
pub fn h1(hash: u64) -> u64 {
    hash >> 7
}

/// H2: the 7 bits kept in the control byte (`h2`, `hash & 0x7f`).
#[inline(always)]
pub fn h2(hash: u64) -> u8 {
    (hash & 0x7f) as u8
}

/// Slots whose control byte may be `h` (`ctrlGroupMatchH2`; false
/// positives are possible, as in Go, and are settled by the key compare).
#[inline(always)]
pub fn match_h2(ctrl: u64, h: u8) -> u64 {
    let v = ctrl ^ (LSB * h as u64);
    (v.wrapping_sub(LSB) & !v) & MSB
}

/// Empty slots (`ctrlGroupMatchEmpty`).
#[inline(always)]
pub fn match_empty(ctrl: u64) -> u64 {
    (ctrl & !(ctrl << 6)) & MSB
}

/// Empty or deleted slots (`ctrlGroupMatchEmptyOrDeleted`).
#[inline(always)]
pub fn match_empty_or_deleted(ctrl: u64) -> u64 {
    ctrl & MSB
}

/// Full slots (`ctrlGroupMatchFull`).
#[inline(always)]
pub fn match_full(ctrl: u64) -> u64 {
    !ctrl & MSB
}

/// The lowest slot of a bitset (`bitset.first`).
#[inline(always)]
pub fn first(b: u64) -> usize {
    (b.trailing_zeros() >> 3) as usize
}

/// The bitset without its lowest slot (`bitset.removeFirst`).
#[inline(always)]
pub fn remove_first(b: u64) -> u64 {
    b & b.wrapping_sub(1)
}

/// Control byte `i` of a word (`ctrlGroup.get`, little-endian).
#[inline(always)]
pub fn get(ctrl: u64, i: usize) -> u8 {
    (ctrl >> (8 * i)) as u8
}

/// The word with control byte `i` set to `c` (`ctrlGroup.set`).
#[inline(always)]
pub fn set(ctrl: u64, i: usize, c: u8) -> u64 {
    (ctrl & !(0xFFu64 << (8 * i))) | ((c as u64) << (8 * i))
}

/// Triangular probing over the groups of a table (`probeSeq`): offsets
/// `h1`, `h1+1`, `h1+3`, `h1+6`, ... modulo the group count, which visits
/// every group once when the count is a power of two.
#[derive(Clone, Copy, Debug)]
pub struct ProbeSeq {
    mask: u64,
    /// The group to look at now.
    pub offset: u64,
    index: u64,
}

impl ProbeSeq {
    /// `makeProbeSeq(h1, lengthMask)`.
    #[inline(always)]
    pub fn new(h1: u64, mask: u64) -> ProbeSeq {
        ProbeSeq {
            mask,
            offset: h1 & mask,
            index: 0,
        }
    }

    /// `probeSeq.next`.
    #[inline(always)]
    pub fn next(&mut self) {
        self.index += 1;
        self.offset = (self.offset + self.index) & self.mask;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_agree_with_go_definitions() {
        let mut w = CTRL_ALL_EMPTY;
        w = set(w, 1, 0x15);
        w = set(w, 3, CTRL_DELETED);
        w = set(w, 6, 0x15);
        assert_eq!(get(w, 1), 0x15);
        let h = match_h2(w, 0x15);
        assert_eq!(first(h), 1);
        assert_eq!(first(remove_first(h)), 6);
        assert_eq!(match_full(w).count_ones(), 2);
        assert_eq!(match_empty(w).count_ones(), 5);
        assert_eq!(match_empty_or_deleted(w).count_ones(), 6);
        assert_eq!(first(match_empty_or_deleted(w)), 0);
    }

    #[test]
    fn probe_sequence_visits_every_group_once() {
        for groups in [1u64, 2, 8, 128] {
            let mut p = ProbeSeq::new(12345, groups - 1);
            let mut seen = std::collections::HashSet::new();
            for _ in 0..groups {
                assert!(seen.insert(p.offset));
                p.next();
            }
        }
    }
}
