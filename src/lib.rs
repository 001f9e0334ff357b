//! # mapamp — where a hash map's write cost goes
//!
//! mapamp measures **write amplification** of hash maps: when a program
//! writes N bytes of keys and values into a map, how many bytes the map
//! really writes, along which copy path, and at what cost.
//!
//! Its first subject is Go's classic map, modelled faithfully in
//! [`gomap`] and instrumented through [`accounting`]; every map under study
//! implements [`variants::MapUnderStudy`]. Scenarios run their measured
//! code inside [`region::measured_region`]; the [`lens`]es (perf counters,
//! flame graphs, callgrind) look at that region and nothing else.
//!
//! ```text
//! # one map, built by one workload, dumped
//! mapamp inspect --variant gomap --workload insert --keys random --n 1000000
//! mapamp inspect --variant gomap --workload churn --n 100000 --json
//! # how evenly (and how fast) a hash + index method spreads keys over buckets
//! mapamp locate --hash fnv1a --index modulo --keys strings --n 1000000 --buckets 1024
//! # two runs, or two configurations of one run, cell by cell (see `compare`)
//! mapamp compare 'reports/smoke#config=go-default' 'reports/smoke#config=presized'
//! ```
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
pub mod accounting;
pub mod alloc_count;
pub mod cell;
pub mod claims;
pub mod compare;
pub mod error;
pub mod fsutil;
pub mod fuzz;
pub mod goconfig;
pub mod golang;
pub mod gomap;
pub mod goswiss;
pub mod gotype;
pub mod hash;
pub mod heap;
pub mod inspect;
pub mod lens;
pub mod limits;
pub mod lint;
pub mod live;
pub mod locate;
pub mod machine;
pub mod mem;
pub mod names;
pub mod pod;
pub mod profile;
pub mod region;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod stats;
pub mod table;
pub mod timeline;
pub mod valgrind;
pub mod variants;
pub mod workload;

/// Any error of the mapamp library: one variant per module error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Writing files and folders.
    #[error(transparent)]
    Fs(#[from] crate::fsutil::FsError),
    /// Reading a bounded input file.
    #[error(transparent)]
    Read(#[from] crate::limits::ReadError),
    /// A name that is none of an enum's variants.
    #[error(transparent)]
    UnknownName(#[from] crate::names::UnknownName),
    /// `locate`'s configuration.
    #[error(transparent)]
    Locate(#[from] crate::locate::LocateError),
    /// Finding, reading and validating a profile.
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// A key or value type mapamp cannot model.
    #[error(transparent)]
    Type(#[from] crate::gotype::TypeError),
    /// `inspect`'s configuration.
    #[error(transparent)]
    Inspect(#[from] crate::inspect::InspectError),
    /// `run` and its cell processes.
    #[error(transparent)]
    Run(#[from] crate::run::RunError),
    /// `live`: URLs, endpoints, snapshots.
    #[error(transparent)]
    Live(#[from] crate::live::LiveError),
    /// `compare`: its options, inputs and output folder.
    #[error(transparent)]
    Compare(#[from] crate::compare::CompareError),
    /// A real-Go cell's toolchain or harness.
    #[error(transparent)]
    GoHarness(#[from] crate::golang::figures::HarnessError),
    /// `merge`: its inputs and output folder.
    #[error(transparent)]
    Merge(#[from] crate::run::merge::MergeError),
    /// `--shard K/N`.
    #[error(transparent)]
    Shard(#[from] crate::run::shard::ShardError),
    /// A `report.json` that is not a report this mapamp reads.
    #[error(transparent)]
    ParseReport(#[from] crate::compare::ParseReportError),
    /// `lint`: the path, maplint and its output.
    #[error(transparent)]
    Lint(#[from] crate::lint::LintError),
    /// `probe`'s program argument.
    #[error(transparent)]
    ProbeInput(#[from] crate::live::probe::ProbeInputError),
    /// `probe`: perf or the probed program failing.
    #[error(transparent)]
    ProbeFailure(#[from] crate::live::probe::ProbeFailure),
    /// A cell id that breaks the id rules.
    #[error(transparent)]
    CellId(#[from] crate::cell::CellIdError),
    /// A Go runtime knob (`gogc`, `gomemlimit`) Go would refuse.
    #[error(transparent)]
    GoKnob(#[from] crate::goconfig::GoKnobError),
    /// A Go-model knob out of its range.
    #[error(transparent)]
    Knob(#[from] crate::gomap::KnobError),
    /// `table`'s options.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// A size hint none of the valid forms.
    #[error(transparent)]
    Hint(#[from] crate::variants::HintError),
    /// Knobs that are invalid or do not apply to the variant.
    #[error(transparent)]
    MapSpec(#[from] crate::variants::SpecError),
    /// A map this process cannot build.
    #[error(transparent)]
    MapBuild(#[from] crate::variants::BuildError),
    /// Heap figures of a map that models no Go release.
    #[error(transparent)]
    Heap(#[from] crate::heap::HeapError),
    /// A key or value type, setup or map a scenario cannot run.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// Claims whose models or measurements could not run.
    #[error(transparent)]
    Claims(#[from] crate::claims::ClaimsError),
    /// A key or value type the real-Go harness does not run.
    #[error(transparent)]
    HarnessType(#[from] crate::goconfig::HarnessTypeError),
    /// A lens's failure (callgrind output, the sampler, a perf counter).
    #[error(transparent)]
    Lens(#[from] crate::lens::error::LensError),
    /// A real-Go region's observations that cannot become bytes per path.
    #[error(transparent)]
    GoDerive(#[from] crate::golang::accounting::DeriveError),
    /// A Go CPU profile that cannot be read.
    #[error(transparent)]
    GoProfile(#[from] crate::golang::profile::GoProfileError),
    /// A cell whose write timeline cannot be recorded.
    #[error(transparent)]
    Timeline(#[from] crate::timeline::TimelineError),
    /// Why `lint` could not price a finding.
    #[error(transparent)]
    NotPriced(#[from] crate::lint::NotPriced),
    /// An io cell's send: its file, page cache, target, receiver, sender.
    #[error(transparent)]
    Io(#[from] crate::scenario::io::IoError),
}
