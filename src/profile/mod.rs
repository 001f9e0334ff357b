//! Profiles: the configuration matrix of `profiles/*.toml`.
//!
//! A profile names the axes to sweep (scenario, variant, N, key
//! distribution, key size, value size), the tuning configurations to compare
//! (knob values; absent knobs keep Go's), the locate matrix, the lenses to
//! run and the time budgets. [`load`] parses and validates it; every error
//! names the file, line and column, and the valid choices. [`Profile::cells`]
//! expands it into cells, with the reason for every combination that does
//! not apply (e.g. `overflow` on a Swiss table).
//!
//! ```toml
//! description = "seconds: every copy path at small N"
//! [axes]
//! scenario = ["assign", "overflow", "evacuate_double", "evacuate_same_size", "insert"]
//! variant = ["gomap", "gomap-slab", "hashbrown"]
//! n = [4096]
//! keys = ["random"]
//! key_size = [8]
//! value_size = [8]
//! [configs.go-default]
//! [configs.presized]
//! hint = "n"
//! [lenses]
//! enabled = ["accounting", "time", "latency", "counters", "flamegraph", "callgrind"]
//! ```

mod cells;
mod error;
pub mod io;
mod raw;

pub use cells::{same_setup, Cells, SameSetup, Skipped};
pub use error::ProfileError;

use crate::goconfig::{GoRuntimeKnobs, Gogc};
use crate::gomap::{EvacuateBatch, Knobs};
use crate::gotype::{check_size, GoType};
use crate::locate::{HashFn, IndexFn, KeyKind};
use crate::scenario::{Keys, Scenario};
use crate::variants::{HintSpec, Variant};
use raw::{Axis, RawProfile};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use strum::VariantArray;
use toml::Spanned;

/// The lenses a profile can enable (`docs/design/overview.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::VariantArray, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum LensKind {
    /// Bytes per copy path (always on).
    Accounting,
    /// Wall-clock time per operation.
    Time,
    /// Per-operation latency distribution.
    Latency,
    /// perf-event counters.
    Counters,
    /// Sampling profile and flame graph.
    Flamegraph,
    /// callgrind instruction counts and simulated cache misses.
    Callgrind,
}

impl crate::names::Named for LensKind {}

impl LensKind {
    /// Every lens, in report order.
    pub const ALL: [LensKind; 6] = crate::names::all(LensKind::VARIANTS);

    /// Name in profiles and on the command line.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<LensKind, crate::names::UnknownName> {
        crate::names::parse(s, "lens", "valid lenses")
    }
}

/// A named tuning configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TuningConfig {
    /// Name (an id segment: letters, digits, `.`, `_`, `-`).
    pub name: String,
    /// What it is.
    pub description: String,
    /// Knob values.
    pub knobs: Knobs,
    /// Size hint.
    pub hint: HintSpec,
    /// Knobs of the Go runtime (real-Go variants only).
    #[serde(default)]
    pub go_runtime: GoRuntimeKnobs,
}

impl TuningConfig {
    /// Whether the configuration sets Go-model knobs (then it applies to
    /// Go-family variants only).
    pub fn sets_go_knobs(&self) -> bool {
        self.knobs != Knobs::default()
    }
}

/// The `[locate]` matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocateAxes {
    /// Hash functions.
    pub hash: Vec<HashFn>,
    /// Index methods.
    pub index: Vec<IndexFn>,
    /// Key kinds.
    pub keys: Vec<KeyKind>,
    /// Keys per cell.
    pub n: Vec<usize>,
    /// Bucket counts.
    pub buckets: Vec<u64>,
}

/// Time budgets and other run parameters.
///
/// Time trades for precision here: a cell's time comes from
/// `time_processes` child processes (the unit of replication: more
/// processes narrow its interval and let `compare` resolve smaller
/// changes; each costs a process start, a warm-up and its samples), each
/// taking `time_samples` samples (more samples steady each process's
/// median, but cannot remove what is fixed per process).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// Child processes per cell for the time and latency lenses, run in
    /// interleaved rounds.
    pub time_processes: usize,
    /// Timed samples per process (each a fresh setup + one region run).
    pub time_samples: usize,
    /// Warm-up at the start of each time process, ms.
    pub warmup_ms: u64,
    /// Wall-clock budget of one process's samples, ms (at least 3 samples).
    pub time_ms: u64,
    /// Samples the flame graph lens aims for per cell.
    pub flamegraph_samples: u64,
    /// Wall-clock cap of profiling one cell, ms.
    pub flamegraph_ms: u64,
    /// Profiler frequency, Hz.
    pub flamegraph_hz: u32,
    /// Rounds of the churn scenario.
    pub churn_rounds: usize,
    /// Seed of every cell.
    pub seed: u64,
    /// criterion measurement time per benchmark, ms.
    pub criterion_ms: u64,
    /// criterion samples per benchmark.
    pub criterion_samples: usize,
    /// Operations the write timeline records per whole-workload cell (0:
    /// no timeline); see [`crate::timeline`].
    pub timeline_writes: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            time_processes: 9,
            time_samples: 10,
            warmup_ms: 50,
            time_ms: 3000,
            flamegraph_samples: 1000,
            flamegraph_ms: 3000,
            flamegraph_hz: crate::lens::flamegraph::DEFAULT_FREQUENCY_HZ,
            churn_rounds: 2,
            seed: 1,
            criterion_ms: 1000,
            criterion_samples: 10,
            timeline_writes: 100_000,
        }
    }
}

/// A validated profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Name (the file stem).
    pub name: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// What it is for.
    pub description: String,
    /// Scenarios.
    pub scenarios: Vec<Scenario>,
    /// Variants.
    pub variants: Vec<Variant>,
    /// N values.
    pub ns: Vec<usize>,
    /// Key distributions.
    pub keys: Vec<Keys>,
    /// Key types: `[W]uint64` of each `key_size` (`go: None`), or the Go
    /// types `key` names.
    pub key_types: Vec<TypeChoice>,
    /// Value types, likewise from `value_size` or `value`.
    pub value_types: Vec<TypeChoice>,
    /// Tuning configurations, in file order.
    pub configs: Vec<TuningConfig>,
    /// The locate matrix.
    pub locate: Option<LocateAxes>,
    /// The I/O copy-path matrix.
    pub io: Option<io::IoAxes>,
    /// Lenses to run.
    pub lenses: Vec<LensKind>,
    /// Budgets.
    pub budget: Budget,
    /// Whether the report includes the claims section (and quick mode).
    pub claims: Option<bool>,
    /// Where inputs are written (for memory errors).
    #[serde(skip)]
    lines: Lines,
}

/// One value of a profile's key or value axis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeChoice {
    /// Size in bytes.
    pub size: usize,
    /// The Go type when the profile names one (`key = ["int32"]`); `None`
    /// for a `key_size`/`value_size` (`[size/8]uint64`).
    pub go: Option<GoType>,
}

/// The key or value axis of `[axes]`: `key_size = [...]` (sizes, as
/// `[W]uint64`) or `key = [...]` (Go type names), exactly one of them.
fn type_axis(
    e: &Errs,
    sizes: &Option<Axis<i64>>,
    names: &Option<Axis<String>>,
    what: &str,
    axes_span: std::ops::Range<usize>,
) -> Result<Vec<TypeChoice>, ProfileError> {
    match (sizes, names) {
        (Some(_), Some(n)) => Err(e.at(
            n.span(),
            format!("[axes] sets both `{what}_size` and `{what}`; use one: `{what}_size` (bytes, [W]uint64) or `{what}` (Go type names)"),
        )),
        (None, None) => Err(e.at(
            axes_span,
            format!("[axes] needs `{what}` (Go type names, e.g. [\"int64\"]) or `{what}_size` (bytes, e.g. [8])"),
        )),
        (Some(axis), None) => {
            let sizes = e.counts(axis, &format!("{what}_size"), 0, 1 << 20)?;
            for (v, &s) in axis.get_ref().iter().zip(sizes.iter()) {
                check_size(what, s).map_err(|m| e.at(v.span(), m))?;
            }
            Ok(sizes.into_iter().map(|size| TypeChoice { size, go: None }).collect())
        }
        (None, Some(axis)) => e.names(axis, what, |s| {
            let t = GoType::parse(s)?;
            Ok::<_, String>(TypeChoice { size: t.shape.size, go: Some(t) })
        }),
    }
}

/// Lines of the size inputs, so an error can point at the one to blame.
#[derive(Clone, Debug, Default, PartialEq)]
struct Lines {
    /// Each `axes.n` value.
    n: Vec<usize>,
    /// Each configuration's `hint` (by configuration name).
    hint: Vec<(String, usize)>,
    /// Each `locate.n` value.
    locate_n: Vec<usize>,
    /// Each `locate.buckets` value.
    locate_buckets: Vec<usize>,
}

/// Finds a profile by name (`profiles/<name>.toml` under the current folder
/// or the crate) or path.
pub fn resolve(name_or_path: &str) -> Result<PathBuf, ProfileError> {
    let p = Path::new(name_or_path);
    if p.extension().is_some() || name_or_path.contains('/') {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else if p.is_dir() {
            Err(ProfileError::Folder(p.to_path_buf()))
        } else if p.exists() {
            Err(ProfileError::NotRegular(p.to_path_buf()))
        } else {
            Err(ProfileError::NoSuchFile(p.to_path_buf()))
        };
    }
    let dirs = [
        PathBuf::from("profiles"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles"),
    ];
    for d in &dirs {
        let f = d.join(format!("{name_or_path}.toml"));
        if f.is_file() {
            return Ok(f);
        }
    }
    let mut names: Vec<String> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.path()
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names.dedup();
    Err(ProfileError::NoSuchName {
        name: name_or_path.to_string(),
        available: names,
    })
}

/// Reads and validates a profile file.
pub fn load(path: &Path) -> Result<Profile, ProfileError> {
    let text = crate::limits::read_text(path, "profile", crate::limits::MAX_PROFILE_BYTES)?;
    let name = path
        .file_stem()
        .map_or("profile".into(), |s| s.to_string_lossy().into_owned());
    let mut p = parse(&path.display().to_string(), &name, &text)?;
    p.path = path.to_path_buf();
    Ok(p)
}

/// Loads a profile by name or path ([`resolve`] then [`load`]).
pub fn load_named(name_or_path: &str) -> Result<Profile, ProfileError> {
    load(&resolve(name_or_path)?)
}

/// Line and column (1-based) of byte offset `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Builds [`ProfileError::At`] errors (`file:line:col: message`).
struct Errs<'a> {
    file: &'a str,
    text: &'a str,
}

impl Errs<'_> {
    fn at(&self, span: std::ops::Range<usize>, msg: impl std::fmt::Display) -> ProfileError {
        let (line, col) = line_col(self.text, span.start);
        ProfileError::At {
            file: self.file.to_string(),
            line,
            col,
            message: msg.to_string(),
        }
    }

    fn nonempty<T>(&self, axis: &Axis<T>, name: &str) -> Result<(), ProfileError> {
        if axis.get_ref().is_empty() {
            Err(self.at(
                axis.span(),
                format!("`{name}` is empty; list at least one value"),
            ))
        } else {
            Ok(())
        }
    }

    fn names<T, E: std::fmt::Display>(
        &self,
        axis: &Axis<String>,
        name: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Vec<T>, ProfileError> {
        self.nonempty(axis, name)?;
        axis.get_ref()
            .iter()
            .map(|s| parse(s.get_ref()).map_err(|e| self.at(s.span(), e)))
            .collect()
    }

    fn counts(
        &self,
        axis: &Axis<i64>,
        name: &str,
        min: i64,
        max: i64,
    ) -> Result<Vec<usize>, ProfileError> {
        self.nonempty(axis, name)?;
        axis.get_ref()
            .iter()
            .map(|v| {
                let x = *v.get_ref();
                if x < min || x > max {
                    Err(self.at(
                        v.span(),
                        format!("{name} = {x} is out of range; use {min} to {max}"),
                    ))
                } else {
                    Ok(x as usize)
                }
            })
            .collect()
    }
}

/// Parses and validates a profile's text; `file` labels errors.
pub fn parse(file: &str, name: &str, text: &str) -> Result<Profile, ProfileError> {
    let e = Errs { file, text };
    let raw: RawProfile = toml::from_str(text).map_err(|err| match err.span() {
        Some(span) => {
            let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[span.start..]
                .find('\n')
                .map_or(text.len(), |i| span.start + i);
            let line = &text[line_start..line_end];
            e.at(span.clone(), toml_message(err.message(), &text[span], line))
        }
        None => ProfileError::Syntax {
            file: file.to_string(),
            message: err.message().to_string(),
        },
    })?;
    let axes = raw.axes.get_ref();
    let axes_span = raw.axes.span();
    let scenarios = e.names(&axes.scenario, "scenario", |s| {
        let map_scenarios = || {
            Scenario::ALL
                .into_iter()
                .filter(|x| !matches!(x, Scenario::Locate | Scenario::Io))
                .map(|x| x.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match Scenario::parse(s) {
            Ok(Scenario::Locate) => Err(format!(
                "list locate combinations in the [locate] table, not in axes.scenario (its scenarios: {})",
                map_scenarios()
            )),
            Ok(Scenario::Io) => {
                Err("list io cells in the [io] table, not in axes.scenario".to_string())
            }
            Ok(x) => Ok(x),
            Err(_) => Err(format!(
                "unknown scenario `{s}`; valid scenarios: {} (locate cells go in the [locate] table, io cells in the [io] table)",
                map_scenarios()
            )),
        }
    })?;
    let variants = e.names(&axes.variant, "variant", Variant::parse)?;
    let ns = e.counts(&axes.n, "n", 1, crate::limits::MAX_PROFILE_N)?;
    let keys = e.names(&axes.keys, "keys", Keys::parse)?;
    let key_types = type_axis(&e, &axes.key_size, &axes.key, "key", axes_span.clone())?;
    let value_types = type_axis(&e, &axes.value_size, &axes.value, "value", axes_span)?;
    let mut configs = Vec::new();
    for (cname, c) in &raw.configs {
        let tc = config(&e, cname, c)?;
        if tc.go_runtime.is_set() && !variants.iter().any(|v| v.go_release().is_some()) {
            return Err(e.at(
                c.span(),
                format!(
                    "configuration `{cname}` sets gogc/gomemlimit, which apply to the real-Go variants only; add {} to axes.variant",
                    crate::variants::Variant::REAL_GO.map(|v| v.name()).join(", ")
                ),
            ));
        }
        configs.push(tc);
    }
    if configs.is_empty() {
        configs.push(TuningConfig {
            name: "go-default".into(),
            description: "Go's knobs".into(),
            knobs: Knobs::default(),
            hint: HintSpec::None,
            go_runtime: GoRuntimeKnobs::default(),
        });
    }
    let locate = raw
        .locate
        .as_ref()
        .map(|l| locate_axes(&e, l))
        .transpose()?;
    let io = raw.io.as_ref().map(|r| io::io_axes(&e, r)).transpose()?;
    let lenses = match &raw.lenses {
        None => LensKind::ALL.to_vec(),
        Some(l) => {
            let mut v = e.names(&l.get_ref().enabled, "lenses.enabled", LensKind::parse)?;
            if !v.contains(&LensKind::Accounting) {
                v.insert(0, LensKind::Accounting); // always on
            }
            v
        }
    };
    let budget = budget(&e, raw.budget.as_ref())?;
    let p = Profile {
        name: name.to_string(),
        path: PathBuf::from(file),
        text: text.to_string(),
        description: raw.description.map(|d| d.into_inner()).unwrap_or_default(),
        scenarios,
        variants,
        ns,
        keys,
        key_types,
        value_types,
        configs,
        locate,
        io,
        lenses,
        budget,
        claims: raw.claims.and_then(|c| {
            let c = c.into_inner();
            (*c.enabled.get_ref()).then_some(c.quick)
        }),
        lines: Lines {
            n: lines_of(text, &axes.n),
            hint: raw
                .configs
                .iter()
                .filter_map(|(name, c)| {
                    let h = c.get_ref().hint.as_ref()?;
                    Some((name.clone(), line_col(text, h.span().start).0))
                })
                .collect(),
            locate_n: raw
                .locate
                .as_ref()
                .map_or_else(Vec::new, |l| lines_of(text, &l.get_ref().n)),
            locate_buckets: raw
                .locate
                .as_ref()
                .map_or_else(Vec::new, |l| lines_of(text, &l.get_ref().buckets)),
        },
    };
    let cells = p.cells();
    if cells.cells.is_empty() {
        let why = cells
            .skipped
            .first()
            .map_or(String::new(), |s| format!(" (e.g. {}: {})", s.id, s.reason));
        return Err(e.at(
            raw.axes.span(),
            format!("no combination of the axes applies{why}"),
        ));
    }
    Ok(p)
}

/// The line of each value of an axis.
fn lines_of<T>(text: &str, axis: &Axis<T>) -> Vec<usize> {
    axis.get_ref()
        .iter()
        .map(|v| line_col(text, v.span().start).0)
        .collect()
}

/// TOML's message, with what it means in a profile where TOML is terse;
/// `at` is the text TOML points at, `line` the whole line it is on.
fn toml_message(message: &str, at: &str, line: &str) -> String {
    let message = message.trim_end();
    if message.contains("duplicate key") || message.contains("duplicate table") {
        let what = at.trim();
        let header = line.trim();
        let section = header
            .strip_prefix('[')
            .and_then(|h| h.split(']').next())
            .unwrap_or(what)
            .trim();
        if let Some(name) = section.strip_prefix("configs.") {
            return format!(
                "{message}: configuration `{name}` is defined twice; each [configs.<name>] section must have its own name"
            );
        }
        return format!("{message}: `{what}` is written twice; write each key or section once");
    }
    message.to_string()
}

/// Checks a configuration name: it is a folder name in every cell id.
fn config_name(name: &str) -> Result<(), String> {
    use crate::limits::MAX_CONFIG_NAME;
    let rule = format!("a configuration name is 1 to {MAX_CONFIG_NAME} letters, digits, `.`, `_`, `-`, `=` or `+`, and not `.` or `..`");
    let len = name.chars().count();
    if len == 0 || len > MAX_CONFIG_NAME {
        return Err(format!(
            "configuration name `{name}` has {len} characters; {rule}"
        ));
    }
    if name == "." || name == ".." {
        return Err(format!("configuration name `{name}` is not valid; {rule}"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-=+".contains(*c)))
    {
        return Err(format!(
            "configuration name `{name}` contains `{c}`; {rule}"
        ));
    }
    Ok(())
}

fn config(e: &Errs, name: &str, c: &Spanned<raw::RawConfig>) -> Result<TuningConfig, ProfileError> {
    config_name(name).map_err(|m| e.at(c.span(), m))?;
    let r = c.get_ref();
    let mut knobs = Knobs::default();
    if let Some(lf) = &r.load_factor {
        knobs.load_factor = *lf.get_ref();
        let k = Knobs {
            load_factor: knobs.load_factor,
            ..Knobs::default()
        };
        k.validate().map_err(|m| e.at(lf.span(), m))?;
    }
    if let Some(b) = &r.evacuate_batch {
        knobs.evacuate_batch = match b.get_ref() {
            toml::Value::Integer(i) if *i >= 0 => EvacuateBatch::Extra(*i as u32),
            toml::Value::String(s) => EvacuateBatch::parse(s).map_err(|m| e.at(b.span(), m))?,
            other => {
                return Err(e.at(
                    b.span(),
                    format!("evacuate_batch = {other} is not valid; use a number of extra buckets (Go: 1) or \"all\""),
                ))
            }
        };
    }
    if let Some(il) = &r.inline_limit {
        let v = *il.get_ref();
        let fits = usize::try_from(v).is_ok_and(|v| crate::gomap::INLINE_LIMIT_RANGE.contains(&v));
        if !fits {
            return Err(e.at(
                il.span(),
                crate::gomap::KnobError::InlineLimit {
                    knob: "inline_limit =",
                    value: v.to_string(),
                },
            ));
        }
        knobs.inline_limit = v as usize;
    }
    if let Some(op) = &r.overflow_prealloc {
        knobs.overflow_prealloc = *op.get_ref();
    }
    let hint = match &r.hint {
        None => HintSpec::None,
        Some(h) => match h.get_ref() {
            toml::Value::String(s) => HintSpec::parse(s).map_err(|m| e.at(h.span(), m))?,
            toml::Value::Integer(i) if *i >= 0 => HintSpec::Fixed(*i as usize),
            other => return Err(e.at(h.span(), format!("hint = {other} is not valid; use \"none\", \"n\", \"2n\", \"0.5n\" or a number"))),
        },
    };
    let mut go_runtime = GoRuntimeKnobs::default();
    if let Some(g) = &r.gogc {
        go_runtime.gogc = Some(
            match g.get_ref() {
                toml::Value::Integer(i) => Gogc::parse(&i.to_string()),
                toml::Value::String(s) => Gogc::parse(s),
                other => Gogc::parse(&other.to_string()),
            }
            .map_err(|m| e.at(g.span(), m))?,
        );
    }
    if let Some(m) = &r.gomemlimit {
        go_runtime.gomemlimit =
            Some(crate::goconfig::parse_gomemlimit(m.get_ref()).map_err(|x| e.at(m.span(), x))?);
    }
    Ok(TuningConfig {
        name: name.to_string(),
        description: r.description.clone().unwrap_or_default(),
        knobs,
        hint,
        go_runtime,
    })
}

fn locate_axes(e: &Errs, l: &Spanned<raw::RawLocate>) -> Result<LocateAxes, ProfileError> {
    let r = l.get_ref();
    let index = e.names(&r.index, "locate.index", IndexFn::parse)?;
    let buckets: Vec<u64> = e
        .counts(
            &r.buckets,
            "locate.buckets",
            1,
            crate::limits::MAX_LOCATE_BUCKETS,
        )?
        .into_iter()
        .map(|b| b as u64)
        .collect();
    for (i, (ix, span)) in index
        .iter()
        .zip(r.index.get_ref().iter().map(|s| s.span()))
        .enumerate()
    {
        let _ = i;
        for b in &buckets {
            ix.check(*b).map_err(|m| e.at(span.clone(), m))?;
        }
    }
    Ok(LocateAxes {
        hash: e.names(&r.hash, "locate.hash", HashFn::parse)?,
        index,
        keys: e.names(&r.keys, "locate.keys", KeyKind::parse)?,
        n: e.counts(&r.n, "locate.n", 1, crate::limits::MAX_PROFILE_N)?,
        buckets,
    })
}

fn budget(e: &Errs, b: Option<&Spanned<raw::RawBudget>>) -> Result<Budget, ProfileError> {
    let mut out = Budget::default();
    let Some(b) = b else { return Ok(out) };
    let r = b.get_ref();
    let get = |v: &Option<Spanned<i64>>,
               name: &str,
               min: i64,
               max: i64|
     -> Result<Option<i64>, ProfileError> {
        match v {
            None => Ok(None),
            Some(x) if *x.get_ref() < min || *x.get_ref() > max => Err(e.at(
                x.span(),
                format!(
                    "budget.{name} = {} is out of range; use {min} to {max}",
                    x.get_ref()
                ),
            )),
            Some(x) => Ok(Some(*x.get_ref())),
        }
    };
    if let Some(x) = get(&r.time_processes, "time_processes", 1, 1000)? {
        out.time_processes = x as usize;
    }
    if let Some(x) = get(&r.time_samples, "time_samples", 3, 100_000)? {
        out.time_samples = x as usize;
    }
    if let Some(x) = get(&r.warmup_ms, "warmup_ms", 0, 600_000)? {
        out.warmup_ms = x as u64;
    }
    if let Some(x) = get(&r.time_ms, "time_ms", 1, 3_600_000)? {
        out.time_ms = x as u64;
    }
    if let Some(x) = get(&r.flamegraph_samples, "flamegraph_samples", 1, 1_000_000)? {
        out.flamegraph_samples = x as u64;
    }
    if let Some(x) = get(&r.flamegraph_ms, "flamegraph_ms", 10, 600_000)? {
        out.flamegraph_ms = x as u64;
    }
    if let Some(x) = get(&r.flamegraph_hz, "flamegraph_hz", 1, 10_000)? {
        out.flamegraph_hz = x as u32;
    }
    if let Some(x) = get(
        &r.churn_rounds,
        "churn_rounds",
        1,
        crate::limits::MAX_CHURN_ROUNDS as i64,
    )? {
        out.churn_rounds = x as usize;
    }
    if let Some(x) = get(&r.seed, "seed", 0, i64::MAX)? {
        out.seed = x as u64;
    }
    if let Some(x) = get(&r.criterion_ms, "criterion_ms", 10, 600_000)? {
        out.criterion_ms = x as u64;
    }
    if let Some(x) = get(&r.criterion_samples, "criterion_samples", 10, 100_000)? {
        out.criterion_samples = x as usize;
    }
    if let Some(x) = get(
        &r.timeline_writes,
        "timeline_writes",
        0,
        crate::limits::MAX_TIMELINE_WRITES as i64,
    )? {
        out.timeline_writes = x as usize;
    }
    Ok(out)
}

impl Profile {
    /// Refuses a profile whose largest cell would not fit in `avail` bytes
    /// of memory, naming the input to blame (N, a configuration's hint,
    /// locate's N or bucket count) at its line. Parsing does not look at the
    /// machine: whoever is about to run the profile calls this with the
    /// memory available then (`run::load_profile`).
    pub fn check_memory(&self, avail: u64) -> Result<(), ProfileError> {
        let file = self.path.display().to_string();
        let file = file.as_str();
        let cells = self.cells();
        let Some((cell, need)) = cells
            .cells
            .iter()
            .map(|c| (c, cells::estimate_bytes(c)))
            .max_by_key(|(_, need)| *need)
        else {
            return Ok(());
        };
        if need <= avail {
            return Ok(());
        }
        let line_of = |values: &[usize], lines: &[usize], x: usize| {
            values
                .iter()
                .position(|&v| v == x)
                .and_then(|i| lines.get(i))
                .copied()
        };
        let (line, what) = match cell {
            crate::scenario::CellSpec::Map(m) => {
                let hint = m.hint.resolve(m.n);
                let hinted = crate::variants::memory::hint_entries(
                    m.variant,
                    hint,
                    m.key_size,
                    m.value_size,
                    m.knobs.inline_limit,
                );
                if hinted > m.n {
                    let line = self
                        .lines
                        .hint
                        .iter()
                        .find(|(c, _)| *c == m.config)
                        .map(|(_, l)| *l);
                    (
                        line,
                        format!(
                            "hint = \"{}\" of configuration `{}` sizes the map for {hinted} entries at n = {}",
                            m.hint, m.config, m.n
                        ),
                    )
                } else {
                    (
                        line_of(&self.ns, &self.lines.n, m.n),
                        format!("n = {} is too large for this machine", m.n),
                    )
                }
            }
            crate::scenario::CellSpec::Locate(l) => {
                let counters = l.buckets.saturating_mul(8);
                let keys = (l.n as u64).saturating_mul(l.keys.max_bytes_per_key());
                let axes = self.locate.as_ref();
                if counters > keys {
                    let values: Vec<usize> = axes.map_or_else(Vec::new, |a| {
                        a.buckets.iter().map(|&b| b as usize).collect()
                    });
                    (
                        line_of(&values, &self.lines.locate_buckets, l.buckets as usize),
                        format!(
                            "locate buckets = {} is too large for this machine",
                            l.buckets
                        ),
                    )
                } else {
                    let values = axes.map_or_else(Vec::new, |a| a.n.clone());
                    (
                        line_of(&values, &self.lines.locate_n, l.n),
                        format!("locate n = {} is too large for this machine", l.n),
                    )
                }
            }
            crate::scenario::CellSpec::Io(c) => (
                None,
                format!(
                    "io file_size = {} is too large for this machine",
                    c.file_size
                ),
            ),
        };
        Err(ProfileError::TooLarge {
            file: file.to_string(),
            line,
            what,
            cell: cell.id().to_string(),
            need_mib: need >> 20,
            available_mib: avail >> 20,
        })
    }
}
