//! Running a measured region, optionally timing each operation.

use super::prepare::{Op, Prepared, Region};
use crate::accounting::Accounting;
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

/// The kind of one operation of a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// An insert or update.
    Write,
    /// A delete.
    Remove,
}

/// Hooks around each operation of a map region that also see the map (the
/// write timeline reads its accounting after each operation). Every
/// [`OpTimer`] is one that ignores the map, so [`NoTimer`] still compiles
/// to nothing.
pub trait OpHook<M: ?Sized> {
    /// Before an operation.
    fn begin(&mut self, map: &M);
    /// After it.
    fn end(&mut self, map: &M, op: OpKind);
}

impl<M: ?Sized, T: OpTimer> OpHook<M> for T {
    #[inline(always)]
    fn begin(&mut self, _: &M) {
        OpTimer::begin(self);
    }
    #[inline(always)]
    fn end(&mut self, _: &M, _: OpKind) {
        OpTimer::end(self);
    }
}

/// What an [`OpObserver`] sees after each operation.
#[derive(Clone, Debug)]
pub struct AfterOp {
    /// The operation.
    pub op: OpKind,
    /// The map's accounting so far (`None`: built without it).
    pub accounting: Option<Accounting>,
    /// Whether an incremental growth is in progress.
    pub growing: bool,
}

/// An object-safe observer of a region's operations (the write timeline):
/// unlike an [`OpTimer`] it sees the map's state after each operation.
pub trait OpObserver {
    /// Before an operation.
    fn begin(&mut self);
    /// After it.
    fn end(&mut self, after: AfterOp);
}

/// Adapts an [`OpObserver`] to the region loop.
pub(super) struct Observed<'a>(pub(super) &'a mut dyn OpObserver);

impl<M: MapUnderStudy> OpHook<M> for Observed<'_> {
    #[inline(always)]
    fn begin(&mut self, _: &M) {
        self.0.begin();
    }
    #[inline(always)]
    fn end(&mut self, map: &M, op: OpKind) {
        self.0.end(AfterOp {
            op,
            accounting: map.accounting(),
            growing: map.growing(),
        });
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
    pub fn run<H: OpHook<M>>(&mut self, timer: &mut H) -> RegionOutcome {
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
                    timer.begin(map);
                    let kind = match op {
                        Op::Write(k, v) => {
                            map.insert(keys.get(*k), values.get(*v));
                            OpKind::Write
                        }
                        Op::Remove(k) => {
                            map.remove(keys.get(*k));
                            OpKind::Remove
                        }
                    };
                    timer.end(map, kind);
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
                    timer.begin(map);
                    map.remove(keys.get(absent[i]));
                    timer.end(map, OpKind::Remove);
                    i += 1;
                }
                i
            }
        });
        RegionOutcome { ops: ops as u64 }
    }
}
