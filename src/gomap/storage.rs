//! Where a model's buckets live: bucket arrays, overflow arenas, generations.
//!
//! The Go-family designs differ only in storage policy, so the map logic
//! (assign, grow, evacuate, delete, iterate) is written once, generic over a
//! [`Storage`]:
//!
//! | policy | array | overflow beyond the preallocated tail | link | overflow list |
//! |---|---|---|---|---|
//! | [`GoHeap`] (`gomap`) | heap | one heap allocation per bucket | 8-byte pointer | kept (pointer-free buckets) |
//! | [`Slab`] (`gomap-slab`) | heap | one contiguous slab, reused across growths | 4-byte `u32` index | none (the slab keeps them alive) |
//! | [`InlineFirst`] (`gomap-inline`) | first bucket inside the map header, then heap | like `gomap` | 8-byte pointer | kept |
//!
//! A *generation* is one bucket array with its overflow buckets: the current
//! one (`h.buckets`) and, while growing, the old one (`h.oldbuckets`). Links
//! stored in a bucket name a bucket of the same generation: `0` is nil,
//! `i + 1` is array bucket `i`, `ARENA_BIT | (i + 1)` is arena bucket `i`.

use super::sizeclass::roundupsize;
use crate::accounting::{CopyPath, Event, Probe};
use crate::mem::{bytes_of, bytes_of_mut};

/// Nil link.
pub const NIL: u64 = 0;
/// Marks a link into the generation's overflow arena.
pub const ARENA_BIT: u64 = 1 << 63;
/// `nextOverflow == nil`.
pub const NO_NEXT_OVERFLOW: usize = usize::MAX;

/// The link naming array bucket `i`.
#[inline(always)]
pub fn array_ref(i: usize) -> u64 {
    i as u64 + 1
}

/// The link naming arena bucket `i`.
#[inline(always)]
pub fn arena_ref(i: usize) -> u64 {
    ARENA_BIT | (i as u64 + 1)
}

/// Words in a 4 KiB page.
const PAGE_WORDS: usize = 4096 / 8;

/// A zeroed bucket array of `words` words, its pages already writable.
///
/// `vec![0; n]` gets fresh pages from the kernel that are mapped on first
/// touch. The map's first touch of a bucket is the read of its tophash word,
/// which maps the shared zero page; the insert's write then faults a second
/// time to get a private page. Writing one word per page here takes one
/// write fault per page instead of two. The model charges the whole array
/// to `zero_fill` either way (Go zeroes what `makeBucketArray` allocates).
pub fn zeroed_array(words: usize) -> Vec<u64> {
    let mut v = vec![0u64; words];
    // Hidden from the optimiser, which would otherwise drop the stores of
    // zero into memory it knows is zero.
    let w = std::hint::black_box(&mut v[..]);
    for x in w.iter_mut().step_by(PAGE_WORDS) {
        *x = 0;
    }
    v
}

/// Storage of one bucket array's words.
pub trait ArrayStore: Sized + Clone {
    /// No array (`h.buckets == nil`).
    fn empty() -> Self;
    /// The array's words.
    fn words(&self) -> &[u64];
    /// The array's words, writable.
    fn words_mut(&mut self) -> &mut [u64];
    /// Whether the array lives on the heap (as opposed to the map header).
    fn on_heap(&self) -> bool;
}

impl ArrayStore for Vec<u64> {
    fn empty() -> Self {
        Vec::new()
    }
    #[inline(always)]
    fn words(&self) -> &[u64] {
        self
    }
    #[inline(always)]
    fn words_mut(&mut self) -> &mut [u64] {
        self
    }
    fn on_heap(&self) -> bool {
        true
    }
}

/// Overflow buckets that do not come from an array's preallocated tail.
/// Buckets are `bb` bytes (a multiple of 8, as every Go bucket size is).
pub trait Arena: Default + Clone {
    /// Arena bucket `i`.
    fn bucket(&self, i: usize, bb: usize) -> &[u8];
    /// Arena bucket `i`, writable.
    fn bucket_mut(&mut self, i: usize, bb: usize) -> &mut [u8];
    /// Hands out a zeroed bucket of `bb` bytes and returns its index,
    /// recording what that costs on `path`.
    fn take<P: Probe>(&mut self, bb: usize, path: CopyPath, probe: &mut P) -> usize;
    /// Buckets handed out.
    fn len(&self) -> usize;
    /// Whether no bucket was handed out.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Drops every bucket; returns the arena if its memory can be reused by
    /// a later generation.
    fn recycle(self) -> Option<Self>;
}

/// Go's overflow buckets: each a separate zeroed heap allocation (`newobject(t.bucket)`).
#[derive(Default, Debug, Clone)]
pub struct HeapArena {
    buckets: Vec<Box<[u64]>>,
}

impl Arena for HeapArena {
    #[inline(always)]
    fn bucket(&self, i: usize, _bb: usize) -> &[u8] {
        bytes_of(&self.buckets[i])
    }
    #[inline(always)]
    fn bucket_mut(&mut self, i: usize, _bb: usize) -> &mut [u8] {
        bytes_of_mut(&mut self.buckets[i])
    }
    fn take<P: Probe>(&mut self, bb: usize, path: CopyPath, probe: &mut P) -> usize {
        let bytes = bb as u64;
        self.buckets.push(vec![0u64; bb / 8].into_boxed_slice());
        probe.bytes(path, bytes);
        probe.event(Event::Alloc(roundupsize(bytes)));
        self.buckets.len() - 1
    }
    fn len(&self) -> usize {
        self.buckets.len()
    }
    fn recycle(self) -> Option<Self> {
        None
    }
}

/// Overflow buckets carved from one contiguous slab that doubles when full
/// and is handed to the next generation when its own is dropped.
#[derive(Default, Debug)]
pub struct SlabArena {
    words: Vec<u64>,
    len: usize,
}

/// A copy of `v` with the same capacity: where the model keeps a Go
/// slice's capacity in a `Vec`'s, when it next grows is part of the state.
fn clone_keeping_capacity(v: &Vec<u64>) -> Vec<u64> {
    let mut out = Vec::with_capacity(v.capacity());
    out.extend_from_slice(v);
    out
}

impl Clone for SlabArena {
    /// Keeps the capacity: when the slab next doubles is part of its state.
    fn clone(&self) -> Self {
        SlabArena {
            words: clone_keeping_capacity(&self.words),
            len: self.len,
        }
    }
}

/// Buckets a slab holds when first allocated.
pub const SLAB_INITIAL_BUCKETS: usize = 4;

impl Arena for SlabArena {
    #[inline(always)]
    fn bucket(&self, i: usize, bb: usize) -> &[u8] {
        &bytes_of(&self.words)[i * bb..(i + 1) * bb]
    }
    #[inline(always)]
    fn bucket_mut(&mut self, i: usize, bb: usize) -> &mut [u8] {
        &mut bytes_of_mut(&mut self.words)[i * bb..(i + 1) * bb]
    }
    fn take<P: Probe>(&mut self, bb: usize, path: CopyPath, probe: &mut P) -> usize {
        let bw = bb / 8;
        let bytes = bb as u64;
        let cap_buckets = self.words.capacity() / bw.max(1);
        if self.len == cap_buckets {
            // The slab is full: move it to one twice as large. The move is a
            // copy of every overflow bucket taken so far.
            let new_cap = (cap_buckets * 2).max(SLAB_INITIAL_BUCKETS);
            let mut bigger = Vec::with_capacity(new_cap * bw);
            bigger.extend_from_slice(&self.words);
            probe.bytes(path, self.words.len() as u64 * 8);
            probe.event(Event::Alloc(roundupsize(new_cap as u64 * bytes)));
            self.words = bigger;
        }
        // Hand out a zeroed bucket (a reused slab holds stale words).
        let start = self.len * bw;
        if self.words.len() < start + bw {
            self.words.resize(start + bw, 0);
        } else {
            self.words[start..start + bw].fill(0);
        }
        probe.bytes(path, bytes);
        self.len += 1;
        self.len - 1
    }
    fn len(&self) -> usize {
        self.len
    }
    fn recycle(mut self) -> Option<Self> {
        self.len = 0;
        Some(self)
    }
}

/// A design's storage policy (see the module table).
pub trait Storage: 'static {
    /// Variant name as used on the command line and in cell ids.
    const VARIANT: &'static str;
    /// Bytes one overflow link occupies in this design (8: pointer, 4: `u32`).
    const LINK_BYTES: u64;
    /// Whether a map's first one-bucket array lives in the map header.
    const HEADER_BUCKET: bool;
    /// Whether overflow buckets are also appended to a bookkeeping list for
    /// pointer-free bucket types (Go's `extra.overflow`).
    const KEEPS_OVERFLOW_LIST: bool;
    /// Storage of bucket arrays.
    type Array: ArrayStore;
    /// Storage of overflow buckets beyond the preallocated tail.
    type Arena: Arena;
    /// A zeroed array of `words` words. `header_ok` is true when the design
    /// may place it in the map header (the map's first one-bucket array).
    fn new_array(words: usize, header_ok: bool) -> Self::Array;
}

/// Go's classic map storage (`gomap`).
#[derive(Debug)]
pub struct GoHeap;

impl Storage for GoHeap {
    const VARIANT: &'static str = "gomap";
    const HEADER_BUCKET: bool = false;
    const LINK_BYTES: u64 = 8;
    const KEEPS_OVERFLOW_LIST: bool = true;
    type Array = Vec<u64>;
    type Arena = HeapArena;
    fn new_array(words: usize, _header_ok: bool) -> Vec<u64> {
        zeroed_array(words)
    }
}

/// Slab overflow with `u32` links (`gomap-slab`).
#[derive(Debug)]
pub struct Slab;

impl Storage for Slab {
    const VARIANT: &'static str = "gomap-slab";
    const HEADER_BUCKET: bool = false;
    const LINK_BYTES: u64 = 4;
    const KEEPS_OVERFLOW_LIST: bool = false;
    type Array = Vec<u64>;
    type Arena = SlabArena;
    fn new_array(words: usize, _header_ok: bool) -> Vec<u64> {
        zeroed_array(words)
    }
}

/// Words of the bucket buffer `gomap-inline` keeps in its map header: one
/// bucket of the largest pair the profiles allow with both slots inline
/// (256-byte keys and values, inline limit raised): `8 + 8·(256 + 256) + 8`
/// bytes. A first bucket that does not fit goes to the heap.
pub const HEADER_BUCKET_WORDS: usize = 2 + 8 * (32 + 32);

/// The map header's bucket buffer.
#[derive(Clone, Debug)]
pub struct HeaderBuf(pub [u64; HEADER_BUCKET_WORDS]);

/// A bucket array of the inline-first design: in the header or on the heap.
///
/// The header variant is large on purpose: the design being modelled keeps
/// its first bucket in the map header, so it must not be a heap allocation
/// (`tests/it/variant_claims.rs` counts the real allocations).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum HeaderOrHeap {
    /// The map's first bucket, inside the map header (its first `usize` words).
    Header(HeaderBuf, usize),
    /// Any later array.
    Heap(Vec<u64>),
}

impl ArrayStore for HeaderOrHeap {
    fn empty() -> Self {
        HeaderOrHeap::Heap(Vec::new())
    }
    #[inline(always)]
    fn words(&self) -> &[u64] {
        match self {
            HeaderOrHeap::Header(b, n) => &b.0[..*n],
            HeaderOrHeap::Heap(v) => v,
        }
    }
    #[inline(always)]
    fn words_mut(&mut self) -> &mut [u64] {
        match self {
            HeaderOrHeap::Header(b, n) => &mut b.0[..*n],
            HeaderOrHeap::Heap(v) => v,
        }
    }
    fn on_heap(&self) -> bool {
        matches!(self, HeaderOrHeap::Heap(_))
    }
}

/// The first bucket inside the map header (`gomap-inline`).
#[derive(Debug)]
pub struct InlineFirst;

impl Storage for InlineFirst {
    const VARIANT: &'static str = "gomap-inline";
    const HEADER_BUCKET: bool = true;
    const LINK_BYTES: u64 = 8;
    const KEEPS_OVERFLOW_LIST: bool = true;
    type Array = HeaderOrHeap;
    type Arena = HeapArena;
    fn new_array(words: usize, header_ok: bool) -> Self::Array {
        if header_ok && words <= HEADER_BUCKET_WORDS {
            HeaderOrHeap::Header(HeaderBuf([0; HEADER_BUCKET_WORDS]), words)
        } else {
            HeaderOrHeap::Heap(zeroed_array(words))
        }
    }
}

/// One bucket array and its overflow buckets.
pub struct Generation<S: Storage> {
    /// Unique id (iterators name the array they walk by it).
    pub id: u64,
    /// log2 of the number of main buckets.
    pub b: u8,
    /// The array: `2^b` main buckets then the preallocated overflow tail.
    pub array: S::Array,
    /// Buckets in the array (main + preallocated).
    pub total: usize,
    /// Next free preallocated overflow bucket (`extra.nextOverflow`).
    pub next_overflow: usize,
    /// Overflow buckets beyond the tail.
    pub arena: S::Arena,
    /// Go's `extra.overflow` / `extra.oldoverflow`: links of every overflow
    /// bucket of this generation (pointer-free bucket types only).
    pub overflow_list: Vec<u64>,
}

impl<S: Storage> Clone for Generation<S> {
    fn clone(&self) -> Self {
        Generation {
            id: self.id,
            b: self.b,
            array: self.array.clone(),
            total: self.total,
            next_overflow: self.next_overflow,
            arena: self.arena.clone(),
            overflow_list: clone_keeping_capacity(&self.overflow_list),
        }
    }
}

impl<S: Storage> Generation<S> {
    /// A generation with no array (`h.buckets == nil`); id 0 is never an iterator's.
    pub fn nil(id: u64) -> Self {
        Generation {
            id,
            b: 0,
            array: S::Array::empty(),
            total: 0,
            next_overflow: NO_NEXT_OVERFLOW,
            arena: S::Arena::default(),
            overflow_list: Vec::new(),
        }
    }

    /// Whether this generation has a bucket array.
    #[inline(always)]
    pub fn has_array(&self) -> bool {
        self.total != 0
    }

    /// The bucket a link names (`bb`: bucket size in bytes).
    #[inline(always)]
    pub fn bucket(&self, r: u64, bb: usize) -> &[u8] {
        let i = ((r & !ARENA_BIT) - 1) as usize;
        if r & ARENA_BIT == 0 {
            &bytes_of(self.array.words())[i * bb..(i + 1) * bb]
        } else {
            self.arena.bucket(i, bb)
        }
    }

    /// Main bucket `i` of the array.
    #[inline(always)]
    pub fn main(&self, i: usize, bb: usize) -> &[u8] {
        &bytes_of(self.array.words())[i * bb..(i + 1) * bb]
    }

    /// Main bucket `i` of the array, writable.
    #[inline(always)]
    pub fn main_mut(&mut self, i: usize, bb: usize) -> &mut [u8] {
        &mut bytes_of_mut(self.array.words_mut())[i * bb..(i + 1) * bb]
    }

    /// The bucket a link names, writable.
    #[inline(always)]
    pub fn bucket_mut(&mut self, r: u64, bb: usize) -> &mut [u8] {
        let i = ((r & !ARENA_BIT) - 1) as usize;
        if r & ARENA_BIT == 0 {
            &mut bytes_of_mut(self.array.words_mut())[i * bb..(i + 1) * bb]
        } else {
            self.arena.bucket_mut(i, bb)
        }
    }

    /// Overflow buckets obtained so far in this generation.
    pub fn overflow_taken(&self) -> usize {
        let prealloc_used = if self.next_overflow == NO_NEXT_OVERFLOW {
            // Either no tail, or the tail is used up.
            self.total - (1usize << self.b).min(self.total)
        } else {
            self.next_overflow - (1usize << self.b)
        };
        prealloc_used + self.arena.len()
    }
}
