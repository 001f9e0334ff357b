//! The tuning knobs as `mapamp variants` lists them, and the size hint.
//!
//! The Go-model knobs themselves are [`Knobs`] (one definition, which
//! clap's defaults and profile validation read too); this module adds
//! the listing and the hint, which applies to every variant.

use crate::gomap::Knobs;
use serde::{Deserialize, Serialize};

/// A tuning knob, for listings and error messages.
pub struct KnobInfo {
    /// Knob name as in profiles (`load_factor`); the CLI flag uses dashes.
    pub name: &'static str,
    /// Go's value.
    pub go_default: String,
    /// What it does.
    pub description: &'static str,
}

/// The tuning knobs and their Go defaults (the model's knobs read from
/// [`Knobs::default`], the one definition the command line and profiles
/// use too).
pub fn knobs() -> [KnobInfo; 7] {
    let go = Knobs::default();
    [
    KnobInfo {
        name: "load_factor",
        go_default: go.load_factor.to_string(),
        description: "average entries per bucket that triggers doubling (Go-family variants)",
    },
    KnobInfo {
        name: "evacuate_batch",
        go_default: go.evacuate_batch.to_string(),
        description: "extra old buckets evacuated per write during growth, or `all` for stop-the-world (Go-family)",
    },
    KnobInfo {
        name: "inline_limit",
        go_default: go.inline_limit.to_string(),
        description: "keys/values larger than this many bytes are stored through pointers (Go-family)",
    },
    KnobInfo {
        name: "overflow_prealloc",
        go_default: if go.overflow_prealloc { "on" } else { "off" }.to_string(),
        description: "arrays with B >= 4 carry preallocated overflow buckets (Go-family)",
    },
    KnobInfo {
        name: "hint",
        go_default: HintSpec::None.to_string(),
        description: "size hint at creation: `none`, `n` (exact), `<f>n` (a factor of N, e.g. 0.5n) or a number (all variants)",
    },
    KnobInfo {
        name: "gogc",
        go_default: "100".to_string(),
        description: "GOGC of the Go process: a percentage or `off` (real-Go variants only)",
    },
    KnobInfo {
        name: "gomemlimit",
        go_default: "off".to_string(),
        description: "GOMEMLIMIT of the Go process: bytes with an optional unit (B, KiB, MiB, GiB, TiB) or `off` (real-Go variants only)",
    },
    ]
}

/// A size hint relative to the workload's N.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum HintSpec {
    /// No hint (`make(map)`).
    None,
    /// A factor of N (`n` is 1.0).
    Factor(f64),
    /// A fixed number.
    Fixed(usize),
}

impl HintSpec {
    /// Parses `none`, `n`, `<factor>n` or a number.
    pub fn parse(s: &str) -> Result<HintSpec, HintError> {
        let s = s.trim();
        let bad = || HintError(s.to_string());
        if s == "none" {
            return Ok(HintSpec::None);
        }
        if let Some(f) = s.strip_suffix('n') {
            if f.is_empty() {
                return Ok(HintSpec::Factor(1.0));
            }
            let f: f64 = f.parse().map_err(|_| bad())?;
            if !(f.is_finite() && f >= 0.0) {
                return Err(bad());
            }
            return Ok(HintSpec::Factor(f));
        }
        s.parse::<usize>().map(HintSpec::Fixed).map_err(|_| bad())
    }

    /// The hint for a workload of `n` keys (0 means none).
    pub fn resolve(self, n: usize) -> usize {
        match self {
            HintSpec::None => 0,
            HintSpec::Factor(f) => (f * n as f64).round() as usize,
            HintSpec::Fixed(h) => h,
        }
    }
}

impl std::fmt::Display for HintSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HintSpec::None => f.write_str("none"),
            HintSpec::Factor(x) if *x == 1.0 => f.write_str("n"),
            HintSpec::Factor(x) => write!(f, "{x}n"),
            HintSpec::Fixed(h) => write!(f, "{h}"),
        }
    }
}

impl From<HintSpec> for String {
    fn from(h: HintSpec) -> String {
        h.to_string()
    }
}

impl TryFrom<String> for HintSpec {
    type Error = HintError;
    fn try_from(s: String) -> Result<Self, HintError> {
        HintSpec::parse(&s)
    }
}

/// A size hint that is none of the forms [`HintSpec::parse`] accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("hint `{0}` is not valid; use `none`, `n` (exact N), a factor such as `0.5n` or `2n`, or a number")]
pub struct HintError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_parse_and_resolve() {
        assert_eq!(HintSpec::parse("none").unwrap().resolve(100), 0);
        assert_eq!(HintSpec::parse("n").unwrap().resolve(100), 100);
        assert_eq!(HintSpec::parse("0.5n").unwrap().resolve(100), 50);
        assert_eq!(HintSpec::parse("2n").unwrap().resolve(100), 200);
        assert_eq!(HintSpec::parse("4096").unwrap().resolve(100), 4096);
        assert!(HintSpec::parse("x").is_err());
        assert!(HintSpec::parse("-1n").is_err());
        assert_eq!(
            HintSpec::parse(" 1.5x ").unwrap_err().to_string(),
            "hint `1.5x` is not valid; use `none`, `n` (exact N), a factor such as `0.5n` or `2n`, or a number"
        );
        for s in ["none", "n", "0.5n", "7"] {
            assert_eq!(HintSpec::parse(s).unwrap().to_string(), s);
        }
    }
}
