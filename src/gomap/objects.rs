//! Separately allocated key/value objects for indirect slots.
//!
//! Go stores keys or values larger than 128 bytes in their own heap objects
//! and keeps an 8-byte pointer in the slot. The model allocates each object
//! on its own (`Box`) and stores its handle (`index + 1`) in the slot word.
//! A deleted object is freed at once unless an iterator may still read it
//! from an evacuated slot; then it is freed when no iterator is left, as
//! Go's collector would.

/// Owner of the indirect objects (each the bytes of one key or value) of one map.
#[derive(Debug, Clone, Default)]
pub struct ObjectTable {
    slots: Vec<Option<Box<[u8]>>>,
    free: Vec<u32>,
    deferred: Vec<u32>,
}

impl ObjectTable {
    /// Stores a copy of `v` in a new object; returns the handle to put in the slot.
    pub fn alloc(&mut self, v: &[u8]) -> u64 {
        let obj = Some(Box::from(v));
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = obj;
                i as usize
            }
            None => {
                self.slots.push(obj);
                self.slots.len() - 1
            }
        };
        i as u64 + 1
    }

    /// The object a handle names.
    #[inline]
    pub fn get(&self, handle: u64) -> &[u8] {
        self.slots[handle as usize - 1]
            .as_deref()
            .expect("indirect slot names a freed object")
    }

    /// The object a handle names, writable.
    #[inline]
    pub fn get_mut(&mut self, handle: u64) -> &mut [u8] {
        self.slots[handle as usize - 1]
            .as_deref_mut()
            .expect("indirect slot names a freed object")
    }

    /// Frees an object, or defers it while iterators may read it.
    pub fn release(&mut self, handle: u64, iterators_alive: bool) {
        let i = (handle - 1) as u32;
        if iterators_alive {
            self.deferred.push(i);
        } else {
            self.slots[i as usize] = None;
            self.free.push(i);
        }
    }

    /// Frees deferred objects (call when no iterator is alive).
    pub fn collect(&mut self) {
        for i in std::mem::take(&mut self.deferred) {
            self.slots[i as usize] = None;
            self.free.push(i);
        }
    }

    /// Frees every object.
    pub fn clear(&mut self, iterators_alive: bool) {
        if iterators_alive {
            // Keep them readable: every live handle becomes deferred.
            for (i, s) in self.slots.iter().enumerate() {
                if s.is_some() && !self.deferred.contains(&(i as u32)) {
                    self.deferred.push(i as u32);
                }
            }
        } else {
            self.slots.clear();
            self.free.clear();
            self.deferred.clear();
        }
    }

    /// Objects currently allocated.
    pub fn live(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }
}
