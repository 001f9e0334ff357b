//! Go's allocator rounding (`roundupsize`) and slice growth (`growslice`).
//!
//! Bucket arrays for B ≥ 4 are rounded up to the allocator's size class
//! (small objects) or page multiple (large objects), and the extra whole
//! buckets that fit become usable overflow buckets. The overflow bookkeeping
//! list grows like any Go slice. Both rules are reproduced here for Go 1.19
//! on 64-bit platforms (`runtime/sizeclasses.go`, `runtime/msize.go`,
//! `runtime/slice.go`).

/// `_MaxSmallSize`: objects at least this large get whole pages.
pub const MAX_SMALL_SIZE: u64 = 32768;
/// `_PageSize` of the Go heap.
pub const PAGE_SIZE: u64 = 8192;

/// `class_to_size` of Go 1.19 (class 0 unused).
pub const CLASS_TO_SIZE: [u64; 68] = [
    0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
    352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
    2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

/// The size the Go allocator actually hands out for a request of `size` bytes (`roundupsize`).
pub fn roundupsize(size: u64) -> u64 {
    if size < MAX_SMALL_SIZE {
        // Smallest class that fits; classes are sorted.
        let i = CLASS_TO_SIZE.partition_point(|&c| c < size);
        return CLASS_TO_SIZE[i.max(1)];
    }
    match size.checked_add(PAGE_SIZE) {
        None => size,
        Some(_) => size.div_ceil(PAGE_SIZE) * PAGE_SIZE,
    }
}

/// The capacity `growslice` gives a slice of 8-byte elements with capacity
/// `old_cap` that must hold `needed` elements.
pub fn grow_ptr_slice_cap(old_cap: u64, needed: u64) -> u64 {
    const THRESHOLD: u64 = 256;
    let mut newcap = old_cap;
    let doublecap = newcap + newcap;
    if needed > doublecap {
        newcap = needed;
    } else if old_cap < THRESHOLD {
        newcap = doublecap;
    } else {
        while newcap > 0 && newcap < needed {
            newcap += (newcap + 3 * THRESHOLD) / 4;
        }
        if newcap == 0 {
            newcap = needed;
        }
    }
    roundupsize(newcap * 8) / 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sizes_round_to_classes() {
        assert_eq!(roundupsize(1), 8);
        assert_eq!(roundupsize(144), 144);
        assert_eq!(roundupsize(145), 160);
        assert_eq!(roundupsize(2448), 2688); // 17 buckets of 144 bytes
        assert_eq!(roundupsize(32767), 32768);
    }

    #[test]
    fn large_sizes_round_to_pages() {
        assert_eq!(roundupsize(32768), 32768);
        assert_eq!(roundupsize(32769), 40960);
        assert_eq!(roundupsize(1 << 20), 1 << 20);
    }

    #[test]
    fn slice_growth_matches_go() {
        let mut cap = 0;
        let mut caps = vec![];
        for len in 0..2000u64 {
            if len == cap {
                cap = grow_ptr_slice_cap(cap, len + 1);
                caps.push(cap);
            }
        }
        // Doubling to 256, then the smoothed 1.25x rule with size-class rounding.
        assert_eq!(&caps[..10], &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
        assert_eq!(caps[10], 848); // 832 elements = 6656 bytes -> 6784-byte class
    }
}
