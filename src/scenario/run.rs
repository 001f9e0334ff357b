//! Running a measured region, optionally timing each operation.

use super::prepare::{Op, Prepared, Region};
use crate::region::measured_region;
use crate::variants::MapUnderStudy;
use std::time::Instant;

/// Hooks around each operation of a region (for the latency lens).
pub trait OpTimer {
    /// Before an operation.
    fn begin(&mut self);
    /// After it.
    fn end(&mut self);
}

/// Times nothing: the hooks compile away.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoTimer;

impl OpTimer for NoTimer {
    #[inline(always)]
    fn begin(&mut self) {}
    #[inline(always)]
    fn end(&mut self) {}
}

/// Records each operation's duration in nanoseconds.
#[derive(Debug, Default)]
pub struct PerOpTimer {
    /// One entry per operation.
    pub ns: Vec<u64>,
    start: Option<Instant>,
}

impl OpTimer for PerOpTimer {
    #[inline(always)]
    fn begin(&mut self) {
        self.start = Some(Instant::now());
    }
    #[inline(always)]
    fn end(&mut self) {
        if let Some(s) = self.start.take() {
            self.ns.push(s.elapsed().as_nanos() as u64);
        }
    }
}

/// What a region run did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegionOutcome {
    /// Map operations executed (inserts, updates, deletes).
    pub ops: u64,
}

impl<M: MapUnderStudy> Prepared<M> {
    /// Runs the measured region once, inside [`measured_region`].
    ///
    /// # Panics
    /// If called twice: a region changes the map, so each run needs a fresh
    /// [`super::prepare`].
    pub fn run<T: OpTimer>(&mut self, timer: &mut T) -> RegionOutcome {
        assert!(!self.ran, "a prepared region runs once; prepare again");
        self.ran = true;
        let Prepared {
            map,
            region,
            keys,
            values,
            ..
        } = self;
        let ops = measured_region(|| match region {
            Region::Ops(ops) => {
                for op in ops.iter() {
                    timer.begin();
                    match op {
                        Op::Write(k, v) => {
                            map.insert(keys.get(*k), values.get(*v));
                        }
                        Op::Remove(k) => {
                            map.remove(keys.get(*k));
                        }
                    }
                    timer.end();
                }
                ops.len()
            }
            Region::DriveGrowth(absent) => {
                let mut i = 0;
                while map.growing() {
                    assert!(
                        i < absent.len(),
                        "growth did not finish within {} driving deletes",
                        absent.len()
                    );
                    timer.begin();
                    map.remove(keys.get(absent[i]));
                    timer.end();
                    i += 1;
                }
                i
            }
        });
        RegionOutcome { ops: ops as u64 }
    }
}
