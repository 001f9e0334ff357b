//! Prepared cells behind one object type, for code that handles cells of
//! every type (the run orchestrator, the `cargo bench` suites). The measured
//! region stays monomorphic; only the call into it is dynamic.

use super::run::{NoTimer, Observed, OpObserver, PerOpTimer, RegionOutcome};
use super::{prepare_cell, CellSpec, LocateCell, Prepared, ScenarioError, WithPrepared};
use crate::accounting::{Accounting, Exactness, Probe};
use crate::gomap::structure::Structure;
use crate::locate::{KeySet, Locator};
use crate::region::measured_region;
use crate::variants::swiss::SwissShape;
use crate::variants::MapUnderStudy;

/// A prepared cell: run its region once, then read what it did.
pub trait Runnable {
    /// Runs the measured region.
    fn run(&mut self) -> RegionOutcome;
    /// Runs the measured region timing each operation.
    fn run_timed(&mut self, timer: &mut PerOpTimer) -> RegionOutcome;
    /// Runs the measured region showing each operation to `observer`
    /// (`None`: not a map cell, nothing run).
    fn run_observed(&mut self, _observer: &mut dyn OpObserver) -> Option<RegionOutcome> {
        None
    }
    /// Whether an incremental growth is in progress (Go classic map).
    fn growing(&self) -> bool {
        false
    }
    /// Units the region's cost is normalised by.
    fn units(&self) -> u64;
    /// What a unit is (`writes`, `operations`, `entries evacuated`, `locates`).
    fn units_name(&self) -> &'static str;
    /// Accounting so far (`None`: built without it, or not a map cell).
    fn accounting(&self) -> Option<Accounting> {
        None
    }
    /// Exactness of the accounting (`None`: not a map cell).
    fn exactness(&self) -> Option<Exactness> {
        None
    }
    /// Bucket structure (Go family).
    fn structure(&self) -> Option<Structure> {
        None
    }
    /// Table shape (Swiss tables).
    fn swiss(&self) -> Option<SwissShape> {
        None
    }
    /// An independent copy in the same state, to replay the region from a
    /// state that was expensive to reach (the flame graph lens samples
    /// many runs of a short region this way).
    fn snapshot(&self) -> Box<dyn Runnable>;
}

impl<M: MapUnderStudy> Runnable for Prepared<M> {
    fn run(&mut self) -> RegionOutcome {
        Prepared::run(self, &mut NoTimer)
    }
    fn run_timed(&mut self, timer: &mut PerOpTimer) -> RegionOutcome {
        Prepared::run(self, timer)
    }
    fn run_observed(&mut self, observer: &mut dyn OpObserver) -> Option<RegionOutcome> {
        Some(Prepared::run(self, &mut Observed(observer)))
    }
    fn growing(&self) -> bool {
        self.map.growing()
    }
    fn units(&self) -> u64 {
        self.units
    }
    fn units_name(&self) -> &'static str {
        self.units_name
    }
    fn accounting(&self) -> Option<Accounting> {
        self.map.accounting()
    }
    fn exactness(&self) -> Option<Exactness> {
        Some(self.map.exactness())
    }
    fn structure(&self) -> Option<Structure> {
        self.map.structure()
    }
    fn swiss(&self) -> Option<SwissShape> {
        self.map.swiss()
    }
    fn snapshot(&self) -> Box<dyn Runnable> {
        Box::new(self.clone())
    }
}

/// A locate cell, prepared: its keys and locator.
#[derive(Clone)]
pub struct PreparedLocate {
    keys: KeySet,
    locator: Locator,
    ran: bool,
}

impl Runnable for PreparedLocate {
    fn run(&mut self) -> RegionOutcome {
        assert!(
            !std::mem::replace(&mut self.ran, true),
            "a prepared region runs once; prepare again"
        );
        let (keys, locator) = (&self.keys, &self.locator);
        measured_region(|| locator.locate_all(keys));
        RegionOutcome {
            ops: keys.len() as u64,
        }
    }
    fn run_timed(&mut self, timer: &mut PerOpTimer) -> RegionOutcome {
        assert!(
            !std::mem::replace(&mut self.ran, true),
            "a prepared region runs once; prepare again"
        );
        let (keys, locator) = (&self.keys, &self.locator);
        measured_region(|| {
            let mut sum = 0u64;
            for i in 0..keys.len() {
                use super::run::OpTimer;
                timer.begin();
                sum = sum.wrapping_add(locator.bucket(keys.get(i)));
                timer.end();
            }
            sum
        });
        RegionOutcome {
            ops: keys.len() as u64,
        }
    }
    fn units(&self) -> u64 {
        self.keys.len() as u64
    }
    fn units_name(&self) -> &'static str {
        "locates"
    }
    fn snapshot(&self) -> Box<dyn Runnable> {
        Box::new(self.clone())
    }
}

fn prepare_locate(c: &LocateCell) -> Result<PreparedLocate, crate::locate::LocateError> {
    Ok(PreparedLocate {
        keys: KeySet::generate(c.keys, c.n, c.seed),
        locator: Locator::new(c.hash, c.index, c.buckets)?,
        ran: false,
    })
}

struct Boxed;

impl WithPrepared for Boxed {
    type Out = Box<dyn Runnable>;
    fn with<M: MapUnderStudy>(self, prepared: Prepared<M>) -> Box<dyn Runnable> {
        Box::new(prepared)
    }
}

/// Prepares any cell (accounting probe `P` for map cells).
pub fn prepare_any<P: Probe>(cell: &CellSpec) -> Result<Box<dyn Runnable>, ScenarioError> {
    match cell {
        CellSpec::Map(c) => prepare_cell::<P, _>(c, Boxed),
        CellSpec::Locate(c) => Ok(Box::new(prepare_locate(c)?)),
        CellSpec::Io(c) => Ok(Box::new(crate::scenario::io::PreparedIo::prepare(c)?)),
    }
}
