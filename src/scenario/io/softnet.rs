//! Frees the socket buffers the kernel keeps on per-CPU "defer" lists, so
//! the page-cache pages they reference can be evicted.
//!
//! Why this exists (see `docs/io.md`, "Cold page cache"): after a
//! `sendfile` or `splice` send to a loopback TCP receiver, the socket
//! buffers that carried the file hold references to its page-cache pages
//! (that is what "zero copy" means). When the receiving thread has read a
//! buffer on another CPU than the one that allocated it, Linux (5.19 and
//! later, `skb_attempt_defer_free`) does not free it there: it queues it on
//! the allocating CPU's defer list, emptied only when that CPU next runs its
//! network receive softirq (or when the list passes half of
//! `net.core.skb_defer_max`). Until then every page of the file stays
//! referenced, and `posix_fadvise(POSIX_FADV_DONTNEED)` skips referenced
//! pages. Measured here (`tests/it/io_paths.rs` run 8 times, its cold cells'
//! cache `method`): in 2 of 16 cold `sendfile` preparations `DONTNEED` left
//! 260 of 260 pages resident, and one round of this flush then `DONTNEED`
//! evicted all of them; every other cold preparation needed `DONTNEED` only.
//!
//! [`flush_deferred_frees`] runs that softirq on every CPU this thread may
//! use, without privilege: it moves the thread to each CPU in turn and
//! sends one datagram to itself over loopback (the loopback device queues
//! it on the sending CPU's backlog and raises its receive softirq there,
//! which empties that CPU's defer list first), then restores the thread's
//! CPU mask. It is setup, never part of a measured region.

use super::IoError;
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, UdpSocket};
use std::time::Duration;

/// The calling thread's CPU mask.
fn affinity() -> Result<libc::cpu_set_t, IoError> {
    let mut set = MaybeUninit::<libc::cpu_set_t>::zeroed();
    // SAFETY: `set` is a valid, zeroed cpu_set_t of the size passed.
    let r = unsafe {
        libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), set.as_mut_ptr())
    };
    if r != 0 {
        return Err(IoError::last_os("sched_getaffinity"));
    }
    // SAFETY: initialised (zeroed, then filled by the kernel).
    Ok(unsafe { set.assume_init() })
}

/// Moves the calling thread to the CPUs of `set` (`sched_setaffinity`).
fn set_affinity(set: &libc::cpu_set_t) -> std::io::Result<()> {
    // SAFETY: `set` is a valid cpu_set_t of the size passed; pid 0 = this thread.
    let r = unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), set) };
    if r != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// The CPUs the calling thread may run on.
pub fn allowed_cpus() -> Result<Vec<usize>, IoError> {
    let set = affinity()?;
    Ok((0..libc::CPU_SETSIZE as usize)
        // SAFETY: `cpu` is below CPU_SETSIZE.
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect())
}

/// Pins the calling thread to one CPU; returns its previous mask, to give to
/// [`restore`].
pub fn pin_to(cpu: usize) -> Result<libc::cpu_set_t, IoError> {
    let before = affinity()?;
    // SAFETY: an all-zero cpu_set_t is the empty set.
    let mut one: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: callers pass a CPU below CPU_SETSIZE (from `allowed_cpus`).
    unsafe { libc::CPU_SET(cpu, &mut one) };
    set_affinity(&one).map_err(|source| IoError::Pin { cpu, source })?;
    Ok(before)
}

/// Gives the calling thread back a mask [`pin_to`] returned.
pub fn restore(mask: &libc::cpu_set_t) -> Result<(), IoError> {
    set_affinity(mask).map_err(IoError::os("sched_setaffinity"))
}

/// Runs the network receive softirq on every CPU this thread may use (see
/// the module doc); returns how many CPUs that was. The thread's CPU mask
/// is restored before returning, also on error.
pub fn flush_deferred_frees() -> Result<usize, IoError> {
    let cpus = allowed_cpus()?;
    let sock =
        UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).map_err(IoError::os("loopback UDP socket"))?;
    sock.set_read_timeout(Some(Duration::from_secs(1)))
        .map_err(IoError::os("loopback UDP socket"))?;
    let me = sock
        .local_addr()
        .map_err(IoError::os("loopback UDP socket"))?;
    let mut mask = None;
    let result = (|| {
        for &cpu in &cpus {
            let before = pin_to(cpu)?;
            mask.get_or_insert(before);
            let datagram = |source| IoError::LoopbackDatagram { cpu, source };
            sock.send_to(&[0], me).map_err(datagram)?;
            sock.recv(&mut [0u8; 1]).map_err(datagram)?;
        }
        Ok(cpus.len())
    })();
    if let Some(m) = mask {
        restore(&m)?;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flushing_visits_every_allowed_cpu_and_restores_the_mask() {
        let before = allowed_cpus().unwrap();
        assert!(!before.is_empty());
        assert_eq!(flush_deferred_frees().unwrap(), before.len());
        assert_eq!(allowed_cpus().unwrap(), before);
        let old = pin_to(before[0]).unwrap();
        assert_eq!(allowed_cpus().unwrap(), vec![before[0]]);
        restore(&old).unwrap();
        assert_eq!(allowed_cpus().unwrap(), before);
    }
}
