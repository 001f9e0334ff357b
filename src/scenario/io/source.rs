//! The file a cell sends, and its page-cache state.
//!
//! A source file is made once per process for each (size, seed): bytes from
//! a seeded generator, written to a fresh temporary folder of our own,
//! flushed, opened, then **unlinked at once** — the open descriptor keeps
//! the data, and nothing is left on disk whatever way the process ends.
//! Each prepared send opens its own descriptor on it (through
//! `/proc/self/fd`), so every send starts at offset 0.
//!
//! **Cache state** is set per prepared send and then checked, not assumed:
//!
//! - `warm`: the file is read through once unless `mincore(2)` already shows
//!   every page resident; then every page must be resident.
//! - `cold`: `fdatasync` then `posix_fadvise(POSIX_FADV_DONTNEED)` evicts
//!   this file's clean pages from the page cache (no privilege needed, and
//!   no other process's cache is touched); then no page may be resident.
//!   Pages a finished `sendfile`/`splice` send still pins through socket
//!   buffers whose free the kernel deferred are released by running the
//!   receive softirq on every CPU ([`super::softnet`]); only if pages are
//!   still resident after that, and only as root, the whole clean page
//!   cache is dropped (`/proc/sys/vm/drop_caches`), which slows other
//!   processes a moment.
//!
//! When the check fails the send is refused with the page counts and the
//! steps tried (`cold: 256 of 256 pages still resident after ...`).

use super::{CacheState, IoError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex, OnceLock};

/// A generated file, open and already unlinked.
#[derive(Debug)]
pub struct SourceFile {
    file: File,
    /// Its size in bytes.
    pub len: u64,
    /// xxh3-64 of its content.
    pub checksum: u64,
}

/// What the cache check saw before the region ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CacheCheck {
    /// The state asked for.
    pub state: CacheState,
    /// Pages of the file resident in the page cache when the region started.
    pub resident_pages: u64,
    /// Pages of the file.
    pub file_pages: u64,
    /// How the state was reached.
    pub method: String,
}

/// The kernel's page-cache drop switch (root only).
pub(super) const DROP_CACHES: &str = "/proc/sys/vm/drop_caches";

/// Seeded bytes: 8 at a time from SplitMix64 of the position and seed.
fn fill(seed: u64, offset: u64, buf: &mut [u8]) {
    for (i, chunk) in buf.chunks_mut(8).enumerate() {
        let mut st = seed ^ (offset / 8 + i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let word = crate::rng::splitmix64(&mut st).to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

impl SourceFile {
    /// The process's source file of `len` bytes for `seed` (made on first use).
    pub fn shared(len: u64, seed: u64) -> Result<Arc<SourceFile>, IoError> {
        /// The process's files by (size, seed).
        type Files = Mutex<HashMap<(u64, u64), Arc<SourceFile>>>;
        static FILES: OnceLock<Files> = OnceLock::new();
        let mut files = FILES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(f) = files.get(&(len, seed)) {
            return Ok(f.clone());
        }
        let f = Arc::new(SourceFile::create(len, seed)?);
        files.insert((len, seed), f.clone());
        Ok(f)
    }

    /// Writes a new source file under the temporary folder and unlinks it.
    pub fn create(len: u64, seed: u64) -> Result<SourceFile, IoError> {
        if len == 0 {
            return Err(IoError::EmptyFile);
        }
        let dir = make_private_dir()?;
        let path = dir.join("source.bin");
        let result = (|| -> std::io::Result<(File, u64)> {
            let mut f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)?;
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            let mut buf = vec![0u8; 1 << 20];
            let mut off = 0u64;
            while off < len {
                let n = (len - off).min(buf.len() as u64) as usize;
                fill(seed, off, &mut buf[..n]);
                hasher.update(&buf[..n]);
                f.write_all(&buf[..n])?;
                off += n as u64;
            }
            f.sync_data()?;
            Ok((f, hasher.digest()))
        })();
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir(&dir);
        let (file, checksum) = result.map_err(|source| IoError::WriteSource { dir, source })?;
        Ok(SourceFile {
            file,
            len,
            checksum,
        })
    }

    /// A new descriptor on the file, at offset 0, read-only.
    pub fn open(&self) -> Result<File, IoError> {
        File::open(format!("/proc/self/fd/{}", self.file.as_raw_fd())).map_err(IoError::os(
            "cannot reopen the source file through /proc/self/fd",
        ))
    }

    fn pages(&self) -> u64 {
        self.len.div_ceil(page_size())
    }

    /// Pages of the file resident in the page cache (`mincore(2)` over a
    /// read-only mapping, which itself brings nothing in).
    pub fn resident_pages(&self) -> Result<u64, IoError> {
        let len = self.len as usize;
        // SAFETY: a fresh read-only shared mapping of our own file; unmapped
        // below, and only `mincore` looks at it.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                self.file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(IoError::last_os("mmap for mincore"));
        }
        let mut vec = vec![0u8; self.pages() as usize];
        // SAFETY: `ptr` maps `len` bytes; `vec` has one byte per page of it.
        let r = unsafe { libc::mincore(ptr, len, vec.as_mut_ptr()) };
        let err = std::io::Error::last_os_error();
        // SAFETY: the mapping made above, not used after this.
        unsafe { libc::munmap(ptr, len) };
        if r != 0 {
            return Err(IoError::Os {
                step: "mincore",
                source: err,
            });
        }
        Ok(vec.iter().filter(|b| **b & 1 == 1).count() as u64)
    }

    /// `posix_fadvise(POSIX_FADV_DONTNEED)` over the whole file: the kernel
    /// evicts its clean pages that nothing else references.
    pub fn advise_dontneed(&self) -> Result<(), IoError> {
        // SAFETY: plain advice on our own descriptor.
        let r =
            unsafe { libc::posix_fadvise(self.file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        if r != 0 {
            return Err(IoError::Os {
                step: "posix_fadvise(POSIX_FADV_DONTNEED) failed",
                source: std::io::Error::from_raw_os_error(r),
            });
        }
        Ok(())
    }

    /// Evicts the file's pages and checks that none is resident, in steps
    /// that stop as soon as `mincore` shows none: `fdatasync` +
    /// `POSIX_FADV_DONTNEED`; then, for pages a finished zero-copy send
    /// still pins (socket buffers whose free the kernel deferred), the
    /// network receive softirq on every CPU ([`super::softnet`]) and
    /// `DONTNEED` again, for up to 0.5 s; then, as root only,
    /// `echo 1 > /proc/sys/vm/drop_caches` and `DONTNEED`. A file still
    /// resident after all that is refused with the measured counts.
    fn make_cold(&self, pages: u64) -> Result<CacheCheck, IoError> {
        self.file
            .sync_data()
            .map_err(IoError::os("fdatasync before evicting"))?;
        // Each step with the resident pages `mincore` counted after it.
        let mut steps: Vec<String> = Vec::new();
        let evict = || -> Result<u64, IoError> {
            self.advise_dontneed()?;
            self.resident_pages()
        };
        let mut resident = evict()?;
        steps.push(format!("POSIX_FADV_DONTNEED ({resident} resident)"));
        if resident > 0 {
            let until = std::time::Instant::now() + std::time::Duration::from_millis(500);
            let mut rounds = 0;
            while resident > 0 && std::time::Instant::now() < until {
                super::softnet::flush_deferred_frees()?;
                resident = evict()?;
                rounds += 1;
                if resident > 0 {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
            steps.push(format!(
                "the network receive softirq run on every CPU, then DONTNEED, {rounds} time(s) ({resident} resident)"
            ));
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        let root = unsafe { libc::geteuid() } == 0;
        if resident > 0 && root {
            std::fs::write(DROP_CACHES, "1\n").map_err(|source| IoError::WriteFile {
                path: DROP_CACHES.into(),
                source,
            })?;
            resident = evict()?;
            steps.push(format!(
                "echo 1 > {DROP_CACHES}, then DONTNEED ({resident} resident)"
            ));
        }
        if resident > 0 {
            return Err(IoError::StillResident {
                resident,
                pages,
                steps: steps.join("; "),
                root,
            });
        }
        Ok(CacheCheck {
            state: CacheState::Cold,
            resident_pages: 0,
            file_pages: pages,
            method: steps.join("; "),
        })
    }

    /// Brings the file into the state asked for and checks it.
    pub fn set_cache(&self, state: CacheState) -> Result<CacheCheck, IoError> {
        let pages = self.pages();
        let method = match state {
            CacheState::Warm => {
                if self.resident_pages()? < pages {
                    let mut f = self.open()?;
                    let mut buf = vec![0u8; 1 << 20];
                    while f
                        .read(&mut buf)
                        .map_err(IoError::os("warming the source file"))?
                        > 0
                    {}
                    "read through once (every page was not yet resident)"
                } else {
                    "already resident (mincore)"
                }
            }
            CacheState::Cold => return self.make_cold(pages),
        };
        let resident = self.resident_pages()?;
        let ok = match state {
            CacheState::Warm => resident == pages,
            CacheState::Cold => resident == 0,
        };
        if !ok {
            return Err(IoError::CacheNotReached {
                state,
                resident,
                pages,
                method,
            });
        }
        Ok(CacheCheck {
            state,
            resident_pages: resident,
            file_pages: pages,
            method: method.to_string(),
        })
    }

    /// The xxh3-64 of `len` bytes of seeded content, computed without a file
    /// (for tests).
    pub fn expected_checksum(len: u64, seed: u64) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut off = 0;
        while off < len {
            let n = (len - off).min(buf.len() as u64) as usize;
            fill(seed, off, &mut buf[..n]);
            hasher.update(&buf[..n]);
            off += n as u64;
        }
        hasher.digest()
    }
}

/// The system page size.
pub fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as u64
    } else {
        4096
    }
}

/// A new folder of our own under the temporary folder (mode 0700).
fn make_private_dir() -> Result<std::path::PathBuf, IoError> {
    use std::os::unix::fs::DirBuilderExt;
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let base = std::env::temp_dir();
    for _ in 0..100 {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = base.join(format!("mapamp-io-{}-{n}", std::process::id()));
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(IoError::CreateDir { path: dir, source }),
        }
    }
    Err(IoError::NoPrivateDir { base })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_seeded_and_checksummed_and_leaves_nothing_on_disk() {
        let f = SourceFile::create(10_000, 7).unwrap();
        assert_eq!(f.checksum, SourceFile::expected_checksum(10_000, 7));
        assert_ne!(f.checksum, SourceFile::expected_checksum(10_000, 8));
        let mut data = Vec::new();
        f.open().unwrap().read_to_end(&mut data).unwrap();
        assert_eq!(data.len(), 10_000);
        assert_eq!(xxhash_rust::xxh3::xxh3_64(&data), f.checksum);
        // Unlinked: the descriptor's target is marked deleted.
        let target = std::fs::read_link(format!("/proc/self/fd/{}", f.file.as_raw_fd())).unwrap();
        assert!(
            target.to_string_lossy().ends_with("(deleted)"),
            "{target:?}"
        );
    }

    #[test]
    fn cache_states_are_reached_and_checked() {
        let f = SourceFile::create(1 << 20, 3).unwrap();
        let cold = f.set_cache(CacheState::Cold).unwrap();
        assert_eq!(cold.resident_pages, 0);
        assert_eq!(cold.file_pages, (1 << 20) / page_size());
        let warm = f.set_cache(CacheState::Warm).unwrap();
        assert_eq!(warm.resident_pages, warm.file_pages);
        assert!(warm.method.starts_with("read through"), "{}", warm.method);
        let again = f.set_cache(CacheState::Warm).unwrap();
        assert!(again.method.starts_with("already resident"));
    }
}
