//! Parsing and validating a profile's TOML: every error names the file,
//! line and column, and the valid choices.

use super::error::BadValue;
use super::raw::{self, Axis, RawProfile};
use super::{
    io, Budget, LensKind, Lines, LocateAxes, Profile, ProfileError, TuningConfig, TypeChoice,
};
use crate::goconfig::{GoRuntimeKnobs, Gogc};
use crate::gomap::{EvacuateBatch, Knobs};
use crate::gotype::{check_size, GoType};
use crate::locate::{HashFn, IndexFn, KeyKind};
use crate::scenario::{Keys, Scenario};
use crate::variants::{HintSpec, Variant};
use std::path::PathBuf;
use toml::Spanned;

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
            GoType::parse(s).map(|t| TypeChoice { size: t.shape.size, go: Some(t) })
        }),
    }
}

/// Line and column (1-based) of byte offset `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Builds [`ProfileError::At`] errors (`file:line:col: message`).
pub(super) struct Errs<'a> {
    file: &'a str,
    text: &'a str,
}

impl Errs<'_> {
    pub(super) fn at(
        &self,
        span: std::ops::Range<usize>,
        msg: impl std::fmt::Display,
    ) -> ProfileError {
        let (line, col) = line_col(self.text, span.start);
        ProfileError::At {
            file: self.file.to_string(),
            line,
            col,
            message: msg.to_string(),
        }
    }

    pub(super) fn nonempty<T>(&self, axis: &Axis<T>, name: &str) -> Result<(), ProfileError> {
        if axis.get_ref().is_empty() {
            Err(self.at(
                axis.span(),
                format!("`{name}` is empty; list at least one value"),
            ))
        } else {
            Ok(())
        }
    }

    pub(super) fn names<T, E: std::fmt::Display>(
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

    pub(super) fn counts(
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
    let scenarios = e.names(&axes.scenario, "scenario", |s| match Scenario::parse(s) {
        Ok(Scenario::Locate) => Err(BadValue::LocateInAxes),
        Ok(Scenario::Io) => Err(BadValue::IoInAxes),
        Ok(x) => Ok(x),
        Err(_) => Err(BadValue::UnknownScenario {
            name: s.to_string(),
        }),
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
fn config_name(name: &str) -> Result<(), BadValue> {
    let len = name.chars().count();
    if len == 0 || len > crate::limits::MAX_CONFIG_NAME {
        return Err(BadValue::ConfigNameLength {
            name: name.to_string(),
            len,
        });
    }
    if name == "." || name == ".." {
        return Err(BadValue::ConfigNameDots {
            name: name.to_string(),
        });
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-=+".contains(*c)))
    {
        return Err(BadValue::ConfigNameChar {
            name: name.to_string(),
            c,
        });
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
    // A knob the profile sets: read in its range, stored under its name.
    macro_rules! knob {
        ($name:ident, $min:expr, $max:expr) => {
            if let Some(x) = get(&r.$name, stringify!($name), $min, $max)? {
                out.$name = x as _;
            }
        };
    }
    knob!(time_processes, 1, 1000);
    knob!(time_samples, 3, 100_000);
    knob!(warmup_ms, 0, 600_000);
    knob!(time_ms, 1, 3_600_000);
    knob!(flamegraph_samples, 1, 1_000_000);
    knob!(flamegraph_ms, 10, 600_000);
    knob!(flamegraph_hz, 1, 10_000);
    knob!(churn_rounds, 1, crate::limits::MAX_CHURN_ROUNDS as i64);
    knob!(seed, 0, i64::MAX);
    knob!(criterion_ms, 10, 600_000);
    knob!(criterion_samples, 10, 100_000);
    knob!(
        timeline_writes,
        0,
        crate::limits::MAX_TIMELINE_WRITES as i64
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AXES: &str = "[axes]\nscenario = [\"insert\"]\nvariant = [\"gomap\"]\nn = [64]\nkeys = [\"random\"]\nkey_size = [8]\nvalue_size = [8]\n";

    const RULE: &str = "a configuration name is 1 to 64 letters, digits, `.`, `_`, `-`, `=` or `+`, and not `.` or `..`";

    #[test]
    fn configuration_names_state_the_rule() {
        assert!(config_name("presized.2n").is_ok());
        let long = "a".repeat(65);
        for (name, why) in [
            ("", "configuration name `` has 0 characters"),
            (
                long.as_str(),
                &format!("configuration name `{long}` has 65 characters"),
            ),
            ("..", "configuration name `..` is not valid"),
            ("a/b", "configuration name `a/b` contains `/`"),
        ] {
            assert_eq!(
                config_name(name).unwrap_err().to_string(),
                format!("{why}; {RULE}")
            );
        }
        let e = parse("p.toml", "p", &format!("{AXES}[configs.\"a b\"]\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("p.toml:8:")
                && e.ends_with(&format!(": configuration name `a b` contains ` `; {RULE}")),
            "{e}"
        );
    }

    #[test]
    fn the_scenario_axis_points_locate_and_io_to_their_tables() {
        let with = |scenario: &str| {
            parse("p.toml", "p", &AXES.replace("\"insert\"", scenario))
                .unwrap_err()
                .to_string()
        };
        let map = Scenario::ALL
            .into_iter()
            .filter(|x| !matches!(x, Scenario::Locate | Scenario::Io))
            .map(|x| x.name())
            .collect::<Vec<_>>()
            .join(", ");
        assert_eq!(
            with("\"locate\""),
            format!("p.toml:2:13: list locate combinations in the [locate] table, not in axes.scenario (its scenarios: {map})")
        );
        assert_eq!(
            with("\"io\""),
            "p.toml:2:13: list io cells in the [io] table, not in axes.scenario"
        );
        assert_eq!(
            with("\"nope\""),
            format!("p.toml:2:13: unknown scenario `nope`; valid scenarios: {map} (locate cells go in the [locate] table, io cells in the [io] table)")
        );
    }
}
