//! Go's map types at run time: the one place that says how big a key, a
//! value, a bucket or a group is, and where each part sits.
//!
//! Go compiles one generic map implementation and hands it a *type
//! descriptor* per map type (`maptype` in Go ≤ 1.23's `runtime/type.go`,
//! `abi.SwissMapType` from Go 1.24): key and element sizes, whether they
//! are stored through pointers, the bucket (group) size and the offsets in
//! it. The models here do the same. A key or value is a [`Shape`] (size,
//! alignment, whether it holds pointers); a classic map type is a
//! [`BucketType`], a Swiss map type a [`GroupType`]. Everything that needs
//! a size — the classic model, the Swiss model, the reports, the isolation
//! targets, `inspect` — reads it from here.
//!
//! The layout rules mirror the Go compiler's (`types.CalcStructSize`,
//! `reflectdata.MapBucketType` in Go 1.19, `reflectdata.MapGroupType` in
//! Go 1.26); [`struct_layout`] is that size computation and the map types
//! are built with it, so the padding Go adds appears here too.

use serde::{Deserialize, Serialize};

/// Size and alignment of a pointer on the 64-bit targets Go's figures are for.
pub const PTR_SIZE: usize = 8;

/// Slots per bucket (classic) or group (Swiss): `bucketCnt`, `abi.MapGroupSlots`.
pub const SLOTS: usize = 8;

/// Go's limit above which a key or element is stored through a pointer
/// (`maxKeySize`/`maxElemSize` in Go 1.19's `runtime/map.go`,
/// `abi.MapMaxKeyBytes`/`MapMaxElemBytes` in Go 1.24+).
pub const GO_MAX_INLINE: usize = 128;

/// The shape of a Go type, as much of it as map layout needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shape {
    /// Size in bytes (`unsafe.Sizeof`).
    pub size: usize,
    /// Alignment in bytes (`unsafe.Alignof`).
    pub align: usize,
    /// Whether the type holds pointers the collector must see (a string's
    /// data pointer, a pointer).
    pub pointers: bool,
}

impl Shape {
    /// `struct{}`: no bytes.
    pub const EMPTY: Shape = Shape {
        size: 0,
        align: 1,
        pointers: false,
    };
    /// A pointer (`*T`, `unsafe.Pointer`, `map`, `chan`).
    pub const POINTER: Shape = Shape {
        size: PTR_SIZE,
        align: PTR_SIZE,
        pointers: true,
    };
    /// A `string` header (data pointer and length; the bytes live elsewhere).
    pub const STRING: Shape = Shape {
        size: 2 * PTR_SIZE,
        align: PTR_SIZE,
        pointers: true,
    };

    /// A pointer-free integer of `size` bytes (`bool`/`uint8`: 1, `int16`: 2,
    /// `int32`: 4, `int64`: 8), aligned to its size.
    pub const fn scalar(size: usize) -> Shape {
        assert!(
            size.is_power_of_two() && size <= 8,
            "scalars are 1, 2, 4 or 8 bytes"
        );
        Shape {
            size,
            align: size,
            pointers: false,
        }
    }

    /// `[n]uint64`: the plain-data keys and values the suite has always
    /// used (8·n bytes, 8-byte aligned).
    pub const fn words(n: usize) -> Shape {
        Shape {
            size: 8 * n,
            align: 8,
            pointers: false,
        }
    }

    /// `[n]byte`.
    pub const fn bytes(n: usize) -> Shape {
        Shape {
            size: n,
            align: 1,
            pointers: false,
        }
    }

    /// The suite's key/value of `size` bytes: `[size/8]uint64`, the shape
    /// every profile has meant by `key_size`/`value_size` so far. The error
    /// names the valid sizes.
    pub fn blob(what: &str, size: usize) -> Result<Shape, TypeError> {
        check_size(what, size)?;
        Ok(Shape::words(size / 8))
    }

    /// What a map slot holds for this type, and whether that is a pointer
    /// to it: types over `max_inline` bytes are stored indirectly
    /// (`indirectkey`/`indirectelem`, `MapIndirectKey`/`MapIndirectElem`).
    pub const fn in_slot(self, max_inline: usize) -> (Shape, bool) {
        if self.size > max_inline {
            (Shape::POINTER, true)
        } else {
            (self, false)
        }
    }
}

/// A key or value type that mapamp cannot model.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TypeError {
    /// A Go type name that is not one [`Shape::parse_go`] knows; `why`
    /// says which part is wrong.
    #[error("Go type `{name}`: {why}; valid types: {GO_TYPE_NAMES}")]
    GoType {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        why: String,
    },
    /// A `key_size`/`value_size` that is not one of [`SUPPORTED_SIZES`].
    #[error(
        "{what} size {bytes} is not supported; valid sizes (bytes): {}",
        SUPPORTED_SIZES.map(|s| s.to_string()).join(", ")
    )]
    Size {
        /// "key" or "value".
        what: String,
        /// The size given.
        bytes: usize,
    },
}

/// The Go type names [`Shape::parse_go`] knows, for error messages.
pub const GO_TYPE_NAMES: &str = "struct{}, bool, uint8, int8, byte, int16, uint16, int32, uint32, rune, float32, int64, uint64, int, uint, uintptr, float64, string, *T (any pointer), [N]T (an array of any of these, e.g. [24]byte, [4]int64); types over 128 bytes are stored through pointers";

/// Largest Go type size [`Shape::parse_go`] accepts (1 MiB).
pub const MAX_TYPE_BYTES: usize = 1 << 20;

impl Shape {
    /// The shape of the Go type named `name` (`int32`, `struct{}`,
    /// `string`, `*T`, `[N]T`, ...), as `unsafe.Sizeof`/`Alignof` give it
    /// on 64-bit targets. The error names what is wrong and lists
    /// [`GO_TYPE_NAMES`].
    pub fn parse_go(name: &str) -> Result<Shape, TypeError> {
        let bad = |why: String| TypeError::GoType {
            name: name.to_string(),
            why,
        };
        let s = name.trim();
        if let Some(rest) = s.strip_prefix('*') {
            if rest.trim().is_empty() {
                return Err(bad("a pointer needs an element type (`*T`)".into()));
            }
            return Ok(Shape::POINTER);
        }
        if let Some(rest) = s.strip_prefix('[') {
            let (n, elem) = rest
                .split_once(']')
                .ok_or_else(|| bad("an array is written `[N]T`".into()))?;
            let n: usize = n
                .trim()
                .parse()
                .map_err(|_| bad(format!("array length `{n}` is not a number")))?;
            let elem = Shape::parse_go(elem)
                .map_err(|_| bad(format!("unknown array element type `{}`", elem.trim())))?;
            let size = elem.size.checked_mul(n).filter(|&b| b <= MAX_TYPE_BYTES);
            if size.is_none() {
                return Err(bad(format!("larger than {MAX_TYPE_BYTES} bytes")));
            }
            return Ok(array(elem, n));
        }
        Ok(match s {
            "struct{}" | "struct {}" => Shape::EMPTY,
            "bool" | "uint8" | "int8" | "byte" => Shape::scalar(1),
            "int16" | "uint16" => Shape::scalar(2),
            "int32" | "uint32" | "float32" | "rune" => Shape::scalar(4),
            "int64" | "uint64" | "int" | "uint" | "uintptr" | "float64" => Shape::scalar(8),
            "string" => Shape::STRING,
            _ => return Err(bad("unknown type".into())),
        })
    }
}

/// A key or value type as a cell names it: the Go type's name and shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GoType {
    /// The name as written (`int32`, `struct{}`, `[4]int64`).
    pub name: String,
    /// Its shape.
    pub shape: Shape,
}

impl GoType {
    /// Parses a Go type name ([`Shape::parse_go`]).
    pub fn parse(name: &str) -> Result<GoType, TypeError> {
        Ok(GoType {
            shape: Shape::parse_go(name)?,
            name: name.trim().to_string(),
        })
    }

    /// `[size/8]uint64`: what `key_size`/`value_size` mean ([`Shape::blob`]).
    pub fn blob(what: &str, size: usize) -> Result<GoType, TypeError> {
        Ok(GoType {
            shape: Shape::blob(what, size)?,
            name: format!("[{}]uint64", size / 8),
        })
    }

    /// The name in characters a cell id allows (`[A-Za-z0-9._=+-]`):
    /// `struct{}` → `struct`, `*T` → `ptr.T`, `[N]T` → `NxT`.
    pub fn id_name(&self) -> String {
        fn id(s: &str) -> String {
            let s = s.trim();
            if let Some(rest) = s.strip_prefix('*') {
                return format!("ptr.{}", id(rest));
            }
            if let Some((n, elem)) = s.strip_prefix('[').and_then(|r| r.split_once(']')) {
                return format!("{}x{}", n.trim(), id(elem));
            }
            if s.starts_with("struct") {
                return "struct".into();
            }
            s.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
        }
        id(&self.name)
    }
}

/// Key and value sizes (bytes) the profiles and the command line accept.
pub const SUPPORTED_SIZES: [usize; 6] = [8, 16, 32, 64, 128, 256];

/// Checks that `bytes` is a supported key/value size, with an error naming the valid ones.
pub fn check_size(what: &str, bytes: usize) -> Result<(), TypeError> {
    if SUPPORTED_SIZES.contains(&bytes) {
        Ok(())
    } else {
        Err(TypeError::Size {
            what: what.to_string(),
            bytes,
        })
    }
}

/// `x` rounded up to a multiple of `a` (a power of two; Go's `Rnd`).
pub const fn align_up(x: usize, a: usize) -> usize {
    (x + a - 1) & !(a - 1)
}

/// Offsets of a struct's fields and the struct's own shape, computed as the
/// Go compiler does (`types.CalcStructSize` in Go 1.26,
/// `cmd/compile/internal/types/size.go`):
///
/// - each field starts at the next multiple of its alignment;
/// - a struct of non-zero size that *ends in a zero-size field* gets one
///   byte of padding, so a pointer to that field cannot point at the next
///   object (Go issue 9401); Go 1.19 applies the same rule (`widstruct`);
/// - the size is rounded up to the struct's alignment, the largest of its
///   fields' (at least 1).
///
/// No allocation: a map's type is built when the map is made, and
/// `gomap-inline` must make none for a small map.
pub fn struct_layout<const N: usize>(fields: [Shape; N]) -> ([usize; N], Shape) {
    let mut off = 0;
    let mut align = 1;
    let mut offsets = [0; N];
    for (f, o) in fields.iter().zip(&mut offsets) {
        off = align_up(off, f.align);
        *o = off;
        off += f.size;
        align = align.max(f.align);
    }
    if off > 0 && fields.last().is_some_and(|f| f.size == 0) {
        off += 1;
    }
    let shape = Shape {
        size: align_up(off, align),
        align,
        pointers: fields.iter().any(|f| f.pointers),
    };
    (offsets, shape)
}

/// `[n]T`.
pub const fn array(elem: Shape, n: usize) -> Shape {
    Shape {
        size: elem.size * n,
        align: elem.align,
        pointers: elem.pointers && n > 0,
    }
}

/// Which specialised runtime routines Go's compiler picks for a map type
/// (`walk.mapfast` in Go 1.19; the same choice in Go 1.24+): the key's
/// equality/hash algorithm and an inline element decide it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FastPath {
    /// `mapassign_fast32`/`mapaccess1_fast32`: 4-byte plain-memory keys.
    Fast32,
    /// `mapassign_fast64`/`mapaccess1_fast64`: 8-byte plain-memory keys.
    Fast64,
    /// `mapassign_faststr`: string keys (modelled with issue 25's string shapes).
    FastStr,
    /// The generic `mapassign`/`mapaccess1`.
    Generic,
}

impl FastPath {
    /// Go's choice for a key and element: `mapslow` when the element is
    /// stored indirectly, else by the key's algorithm (`AMEM32`, `AMEM64`,
    /// `ASTRING`). Floating-point keys (`AFLOAT*`) are generic in Go; the
    /// shapes here carry no float kind, so a 4- or 8-byte key without
    /// pointers counts as memory.
    pub fn choose(key: Shape, elem_indirect: bool) -> FastPath {
        if elem_indirect {
            return FastPath::Generic;
        }
        match (key.size, key.pointers) {
            (4, false) => FastPath::Fast32,
            (8, false) => FastPath::Fast64,
            _ if key == Shape::STRING => FastPath::FastStr,
            _ => FastPath::Generic,
        }
    }
}

/// A classic map type (Go ≤ 1.23): `maptype` plus the layout of its bucket.
///
/// The bucket is the struct `reflectdata.MapBucketType` builds (Go 1.19,
/// `cmd/compile/internal/reflectdata/reflect.go`):
///
/// ```text
/// type bmap struct {
///     topbits  [8]uint8
///     keys     [8]keytype    // keytype = *K when K is over 128 bytes
///     elems    [8]elemtype   // elemtype = *V likewise
///     overflow uintptr       // unsafe.Pointer when keys or elems hold pointers
/// }
/// ```
///
/// Keys start at `dataOffset` = 8; key `i` sits at `8 + i·keysize`, elem
/// `i` at `8 + 8·keysize + i·elemsize` (`runtime/map.go`, e.g. `mapaccess1`).
/// Eight slots of any size end on a multiple of 8, so `overflow` needs no
/// padding before it and the bucket has none after it: bucket size is
/// `8 + 8·keysize + 8·elemsize + 8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketType {
    /// The key type.
    pub key: Shape,
    /// The element (value) type.
    pub elem: Shape,
    /// Keys are stored through pointers (`indirectkey`).
    pub indirect_key: bool,
    /// Elements are stored through pointers (`indirectelem`).
    pub indirect_elem: bool,
    /// Bytes of a key slot (`t.keysize`): the key's size, or a pointer's.
    pub key_slot: usize,
    /// Bytes of an element slot (`t.elemsize`).
    pub elem_slot: usize,
    /// Offset of key slot 0 (`dataOffset`).
    pub keys_off: usize,
    /// Offset of element slot 0.
    pub elems_off: usize,
    /// Offset of the overflow link.
    pub overflow_off: usize,
    /// Bucket size in bytes (`t.bucketsize`).
    pub bucket_size: usize,
    /// Whether the bucket holds pointers (`t.bucket.ptrdata != 0`): then
    /// evacuation clears old buckets and no side list of overflow buckets
    /// is kept.
    pub pointers: bool,
    /// The specialised routines Go uses for this type.
    pub fast: FastPath,
}

impl BucketType {
    /// The bucket type of `map[key]elem`, storing indirectly whatever is
    /// larger than `max_inline` bytes (Go: [`GO_MAX_INLINE`]).
    pub fn new(key: Shape, elem: Shape, max_inline: usize) -> BucketType {
        let (kslot, indirect_key) = key.in_slot(max_inline);
        let (eslot, indirect_elem) = elem.in_slot(max_inline);
        let overflow = if kslot.pointers || eslot.pointers {
            Shape::POINTER
        } else {
            // uintptr: same size, no pointer.
            Shape::words(1)
        };
        let (off, bucket) = struct_layout([
            array(Shape::scalar(1), SLOTS),
            array(kslot, SLOTS),
            array(eslot, SLOTS),
            overflow,
        ]);
        BucketType {
            key,
            elem,
            indirect_key,
            indirect_elem,
            key_slot: kslot.size,
            elem_slot: eslot.size,
            keys_off: off[1],
            elems_off: off[2],
            overflow_off: off[3],
            bucket_size: bucket.size,
            pointers: bucket.pointers,
            fast: FastPath::choose(key, indirect_elem),
        }
    }

    /// Offset of key slot `i`.
    #[inline(always)]
    pub fn key_off(&self, i: usize) -> usize {
        self.keys_off + (i & (SLOTS - 1)) * self.key_slot
    }

    /// Offset of element slot `i`.
    #[inline(always)]
    pub fn elem_off(&self, i: usize) -> usize {
        self.elems_off + (i & (SLOTS - 1)) * self.elem_slot
    }

    /// Whether keys and elements are both stored in their slots.
    #[inline(always)]
    pub fn all_inline(&self) -> bool {
        !self.indirect_key && !self.indirect_elem
    }
}

/// How a Swiss map's group places its keys and elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupLayout {
    /// Go 1.24–1.27 by default: 8 slot structs `{key; elem}` (KVKV...).
    Interleaved,
    /// Go 1.27 with `GOEXPERIMENT=mapsplitgroup`: an array of 8 keys, then
    /// an array of 8 elements (KKKK...VVVV...).
    Split,
}

/// A Swiss map type (Go 1.24+): `abi.MapType`'s sizes, with the group
/// `reflectdata.MapGroupType` builds (Go 1.26 and 1.27,
/// `cmd/compile/internal/reflectdata/map.go`). By default
/// ([`GroupLayout::Interleaved`]):
///
/// ```text
/// type group struct {
///     ctrl  uint64
///     slots [8]struct {
///         key  keytype   // *K when K is over 128 bytes
///         elem elemtype  // *V likewise
///     }
/// }
/// ```
///
/// Key and element are interleaved in one slot struct, so the slot carries
/// the padding [`struct_layout`] gives it: an element aligned after its key,
/// the slot rounded to its alignment, and one byte (then rounding) after a
/// zero-size element — `map[int64]struct{}` has 16-byte slots.
///
/// With Go 1.27's `GOEXPERIMENT=mapsplitgroup` ([`GroupLayout::Split`]):
///
/// ```text
/// type group struct {
///     ctrl  uint64
///     keys  [8]keytype
///     elems [8]elemtype
/// }
/// ```
///
/// so padding appears only before the element array (aligning it) and at
/// the group's end (a trailing zero-size array, then rounding):
/// `map[int64]struct{}` has 80-byte groups instead of 136.
///
/// Either way key `i` sits at `keys_off + i·key_stride` and element `i` at
/// `elems_off + i·elem_stride` (`abi.MapType`'s `KeysOff`, `KeyStride`,
/// `ElemsOff`, `ElemStride` in Go 1.27; `groupReference.key`/`elem`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupType {
    /// The key type.
    pub key: Shape,
    /// The element type.
    pub elem: Shape,
    /// The group layout.
    pub layout: GroupLayout,
    /// Keys are stored through pointers (`MapIndirectKey`).
    pub indirect_key: bool,
    /// Elements are stored through pointers (`MapIndirectElem`).
    pub indirect_elem: bool,
    /// Offset of key 0 in a group (`KeysOff`).
    pub keys_off: usize,
    /// Bytes from one key to the next (`KeyStride`: the slot size when
    /// interleaved, the key slot's size when split).
    pub key_stride: usize,
    /// Offset of element 0 in a group (`ElemsOff`).
    pub elems_off: usize,
    /// Bytes from one element to the next (`ElemStride`).
    pub elem_stride: usize,
    /// Bytes of one group (`GroupSize`).
    pub group_size: usize,
    /// The specialised routines Go uses for this type.
    pub fast: FastPath,
}

impl GroupType {
    /// The interleaved group type of `map[key]elem` (Go 1.24–1.26, and 1.27
    /// by default) with Go's inline limit `max_inline`.
    pub fn new(key: Shape, elem: Shape, max_inline: usize) -> GroupType {
        GroupType::with_layout(key, elem, max_inline, GroupLayout::Interleaved)
    }

    /// The group type of `map[key]elem` in `layout`.
    pub fn with_layout(
        key: Shape,
        elem: Shape,
        max_inline: usize,
        layout: GroupLayout,
    ) -> GroupType {
        let (kslot, indirect_key) = key.in_slot(max_inline);
        let (eslot, indirect_elem) = elem.in_slot(max_inline);
        let (keys_off, key_stride, elems_off, elem_stride, group_size) = match layout {
            GroupLayout::Interleaved => {
                let (slot_off, slot) = struct_layout([kslot, eslot]);
                let (off, group) = struct_layout([Shape::words(1), array(slot, SLOTS)]);
                (
                    off[1],
                    slot.size,
                    off[1] + slot_off[1],
                    slot.size,
                    group.size,
                )
            }
            GroupLayout::Split => {
                let (off, group) =
                    struct_layout([Shape::words(1), array(kslot, SLOTS), array(eslot, SLOTS)]);
                (off[1], kslot.size, off[2], eslot.size, group.size)
            }
        };
        GroupType {
            key,
            elem,
            layout,
            indirect_key,
            indirect_elem,
            keys_off,
            key_stride,
            elems_off,
            elem_stride,
            group_size,
            fast: FastPath::choose(key, indirect_elem),
        }
    }

    /// Bytes a slot stores for the key (`KeySize` of the slot's key
    /// field): the key's size, or a pointer's when indirect.
    #[inline(always)]
    pub fn key_slot(&self) -> usize {
        if self.indirect_key {
            PTR_SIZE
        } else {
            self.key.size
        }
    }

    /// Bytes a slot stores for the element: its size, or a pointer's.
    #[inline(always)]
    pub fn elem_slot(&self) -> usize {
        if self.indirect_elem {
            PTR_SIZE
        } else {
            self.elem.size
        }
    }

    /// Bytes one entry takes in a group, padding included: the slot size
    /// when interleaved (`SlotSize`), key and element strides when split
    /// (what Go 1.27's `Clear` compares with 32).
    #[inline(always)]
    pub fn entry_bytes(&self) -> usize {
        match self.layout {
            GroupLayout::Interleaved => self.key_stride,
            GroupLayout::Split => self.key_stride + self.elem_stride,
        }
    }

    /// Offset of key `i` of a group (`groupReference.key`).
    #[inline(always)]
    pub fn key_off(&self, i: usize) -> usize {
        self.keys_off + (i & (SLOTS - 1)) * self.key_stride
    }

    /// Offset of element `i` of a group (`groupReference.elem`).
    #[inline(always)]
    pub fn elem_off(&self, i: usize) -> usize {
        self.elems_off + (i & (SLOTS - 1)) * self.elem_stride
    }
}

/// Fills `out` with the deterministic bytes of the key or value with id
/// `id`: 64-bit word 0 is `id`, word `i` a SplitMix64 step of `id` and `i`,
/// little-endian, cut to `out.len()` bytes. Distinct ids give distinct
/// values whenever `out` holds at least 8 bytes; shorter values keep the
/// id's low bytes.
pub fn fill_from_id(id: u64, out: &mut [u8]) {
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let w = if i == 0 { id } else { filler(id, i) };
        chunk.copy_from_slice(&w.to_le_bytes()[..chunk.len()]);
    }
}

/// The id a value built by [`fill_from_id`] carries (its first 8 bytes,
/// fewer for shorter values).
pub fn id_of(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    let n = bytes.len().min(8);
    w[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(w)
}

/// The filler word `i` of the value with id `id` (a SplitMix64 step).
#[inline]
fn filler(id: u64, i: usize) -> u64 {
    use crate::rng::{splitmix64_mix, SPLITMIX64_GAMMA};
    splitmix64_mix(id.wrapping_add((i as u64).wrapping_mul(SPLITMIX64_GAMMA)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_buckets_match_go_1_19() {
        // map[uint64]uint64: 8 + 64 + 64 + 8.
        let t = BucketType::new(Shape::words(1), Shape::words(1), GO_MAX_INLINE);
        assert_eq!(
            (t.keys_off, t.elems_off, t.overflow_off, t.bucket_size),
            (8, 72, 136, 144)
        );
        assert_eq!(t.fast, FastPath::Fast64);
        assert!(!t.pointers);
        // 256-byte values are stored through pointers: 8 + 64 + 64 + 8.
        let t = BucketType::new(Shape::words(1), Shape::words(32), GO_MAX_INLINE);
        assert!(t.indirect_elem && !t.indirect_key && t.pointers);
        assert_eq!((t.bucket_size, t.fast), (144, FastPath::Generic));
        // 128 bytes is still inline.
        assert_eq!(
            BucketType::new(Shape::words(1), Shape::words(16), 128).bucket_size,
            1104
        );
        // map[int32]bool: 8 + 32 + 8 + 8 (unsafe.Sizeof of Go 1.19's bucket).
        let t = BucketType::new(Shape::scalar(4), Shape::scalar(1), GO_MAX_INLINE);
        assert_eq!((t.elems_off, t.overflow_off, t.bucket_size), (40, 48, 56));
        assert_eq!(t.fast, FastPath::Fast32);
        // map[int64]struct{}: 8 + 64 + 0 + 8; the overflow field is last,
        // so the zero-size elems add no padding.
        let t = BucketType::new(Shape::words(1), Shape::EMPTY, GO_MAX_INLINE);
        assert_eq!(t.bucket_size, 80);
        // map[string]int64: string headers hold pointers.
        let t = BucketType::new(Shape::STRING, Shape::words(1), GO_MAX_INLINE);
        assert_eq!(
            (t.bucket_size, t.pointers, t.fast),
            (208, true, FastPath::FastStr)
        );
    }

    #[test]
    fn swiss_groups_match_go_1_26() {
        let g = |k, e| GroupType::new(k, e, GO_MAX_INLINE);
        // (slot size, elem offset in the slot, group size)
        let shape = |g: GroupType| (g.key_stride, g.elems_off - g.keys_off, g.group_size);
        // map[int64]int64: 8-byte ctrl + 8 × 16-byte slots.
        assert_eq!(shape(g(Shape::words(1), Shape::words(1))), (16, 8, 136));
        // map[int64]struct{}: a trailing zero-size field gets a byte of
        // padding, rounded to the slot's 8-byte alignment.
        assert_eq!(shape(g(Shape::words(1), Shape::EMPTY)), (16, 8, 136));
        // map[int32]bool: 4 + 1, rounded to 4.
        assert_eq!(shape(g(Shape::scalar(4), Shape::scalar(1))), (8, 4, 72));
        // map[bool]int64: the element is aligned after the key.
        assert_eq!(shape(g(Shape::scalar(1), Shape::words(1))).0, 16);
        assert_eq!(shape(g(Shape::scalar(1), Shape::words(1))).1, 8);
        // map[struct{}]struct{}: empty slots; the group still ends in a
        // zero-size array and gets its byte of padding (16 bytes in all).
        assert_eq!(shape(g(Shape::EMPTY, Shape::EMPTY)), (0, 0, 16));
        // Over 128 bytes: pointers.
        let t = g(Shape::words(1), Shape::words(32));
        assert_eq!((t.key_stride, t.indirect_elem), (16, true));
        assert_eq!((t.key_slot(), t.elem_slot(), t.key_off(2)), (8, 8, 40));
        // A 256-byte key and a 16-byte elem: pointer + elem, 24-byte slots.
        let t = g(Shape::words(32), Shape::words(2));
        assert!(t.indirect_key && !t.indirect_elem);
        assert_eq!(shape(t), (24, 8, 200));
        assert_eq!((t.key_slot(), t.elem_slot()), (8, 16));
    }

    #[test]
    fn split_groups_match_go_1_27_mapsplitgroup() {
        let g = |k, e| GroupType::with_layout(k, e, GO_MAX_INLINE, GroupLayout::Split);
        // (KeysOff, KeyStride, ElemsOff, ElemStride, GroupSize)
        let abi = |g: GroupType| {
            (
                g.keys_off,
                g.key_stride,
                g.elems_off,
                g.elem_stride,
                g.group_size,
            )
        };
        // map[int64]int64: no padding either way.
        assert_eq!(abi(g(Shape::words(1), Shape::words(1))), (8, 8, 72, 8, 136));
        // map[int64]struct{}: 8 + 64 + 0, one byte after the trailing
        // zero-size array, rounded to 8: 80 (interleaved: 136).
        assert_eq!(abi(g(Shape::words(1), Shape::EMPTY)), (8, 8, 72, 0, 80));
        // map[int32]bool: 8 + 32 + 8 = 48 (interleaved: 72).
        assert_eq!(
            abi(g(Shape::scalar(4), Shape::scalar(1))),
            (8, 4, 40, 1, 48)
        );
        // map[bool]int64: the element array is aligned to 8: 8 + 8 + 64.
        assert_eq!(abi(g(Shape::scalar(1), Shape::words(1))), (8, 1, 16, 8, 80));
        // map[string]bool: 8 + 128 + 8 = 144.
        assert_eq!(
            abi(g(Shape::STRING, Shape::scalar(1))),
            (8, 16, 136, 1, 144)
        );
        // map[struct{}]struct{}: 16 bytes, as interleaved.
        assert_eq!(g(Shape::EMPTY, Shape::EMPTY).group_size, 16);
        // Offsets of entry 3.
        let t = g(Shape::scalar(4), Shape::scalar(1));
        assert_eq!((t.key_off(3), t.elem_off(3), t.entry_bytes()), (20, 43, 5));
    }

    #[test]
    fn go_type_names_parse_to_their_shapes() {
        let p = |s: &str| Shape::parse_go(s).unwrap();
        assert_eq!(p("struct{}"), Shape::EMPTY);
        assert_eq!(p("bool"), Shape::scalar(1));
        assert_eq!(p("byte"), p("uint8"));
        assert_eq!(p("int16"), Shape::scalar(2));
        assert_eq!(p("rune"), Shape::scalar(4));
        assert_eq!(p("float32"), p("int32"));
        assert_eq!(p("int"), Shape::scalar(8));
        assert_eq!(p("int64"), Shape::words(1));
        assert_eq!(p("*T"), Shape::POINTER);
        assert_eq!(p("string"), Shape::STRING);
        assert_eq!(p("[24]byte"), Shape::bytes(24));
        assert_eq!(p("[4]int64"), Shape::words(4));
        assert_eq!(p("[2]string"), array(Shape::STRING, 2));
        assert_eq!(p("[0]int64").size, 0);
        // Over 128 bytes: stored through a pointer.
        assert!(p("[17]int64").in_slot(GO_MAX_INLINE).1);
        for bad in ["int128", "[x]byte", "[4]foo", "*", "[1048577]byte", ""] {
            let e = Shape::parse_go(bad).unwrap_err().to_string();
            assert!(e.contains("valid types: struct{}, bool"), "{e}");
        }
        let id = |s: &str| GoType::parse(s).unwrap().id_name();
        assert_eq!(
            [id("struct{}"), id("*int64"), id("[4]int64"), id("int32")],
            ["struct", "ptr.int64", "4xint64", "int32"]
        );
        assert_eq!(GoType::blob("key", 16).unwrap().name, "[2]uint64");
    }

    #[test]
    fn ids_fill_bytes_and_come_back() {
        let mut a = [0u8; 32];
        fill_from_id(42, &mut a);
        assert_eq!(id_of(&a), 42);
        let mut b = [0u8; 32];
        fill_from_id(43, &mut b);
        assert_ne!(a, b);
        // The first word is the id; later words are mixed from it.
        assert_eq!(&a[..8], &42u64.to_le_bytes());
        assert_ne!(&a[8..16], &[0u8; 8]);
        let mut short = [0u8; 4];
        fill_from_id(0x1_0000_0007, &mut short);
        assert_eq!(id_of(&short), 7);
        assert!(check_size("key", 24)
            .unwrap_err()
            .to_string()
            .contains("8, 16, 32, 64, 128, 256"));
    }
}
