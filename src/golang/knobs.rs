//! Knobs of the Go runtime itself: `GOGC` and `GOMEMLIMIT`.
//!
//! They apply to the real-Go variants only (a model has no collector); a
//! profile configuration that sets them is skipped for the other variants,
//! with the reason. They reach the harness as the environment variables of
//! the same names.

use serde::{Deserialize, Serialize};

/// `GOGC`: the heap growth (in percent of the live heap) that triggers a
/// collection, or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Gogc {
    /// A percentage (Go's default is 100).
    Percent(u32),
    /// No collection (`GOGC=off`), unless GOMEMLIMIT is reached.
    Off,
}

impl Gogc {
    /// Parses `off` or a percentage.
    pub fn parse(s: &str) -> Result<Gogc, String> {
        let s = s.trim();
        if s == "off" {
            return Ok(Gogc::Off);
        }
        match s.parse::<u32>() {
            Ok(p) if p >= 1 => Ok(Gogc::Percent(p)),
            _ => Err(format!(
                "gogc = {s:?} is not valid; use a percentage from 1 (Go's default is 100, e.g. 50, 100, 400) or \"off\""
            )),
        }
    }
}

impl std::fmt::Display for Gogc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gogc::Percent(p) => write!(f, "{p}"),
            Gogc::Off => f.write_str("off"),
        }
    }
}

impl From<Gogc> for String {
    fn from(g: Gogc) -> String {
        g.to_string()
    }
}

impl TryFrom<String> for Gogc {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Gogc::parse(&s)
    }
}

/// Parses a `GOMEMLIMIT` value as Go does: a byte count with an optional
/// unit (`B`, `KiB`, `MiB`, `GiB`, `TiB`), or `off`. Returns it as written.
pub fn parse_gomemlimit(s: &str) -> Result<String, String> {
    let s = s.trim();
    let bad = || {
        format!(
            "gomemlimit = {s:?} is not valid; use a byte count with an optional unit B, KiB, MiB, GiB or TiB (e.g. \"512MiB\", \"2GiB\") or \"off\""
        )
    };
    if s == "off" {
        return Ok(s.to_string());
    }
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &s[digits.len()..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if !["", "B", "KiB", "MiB", "GiB", "TiB"].contains(&unit) {
        return Err(bad());
    }
    digits.parse::<u64>().map_err(|_| bad())?;
    Ok(s.to_string())
}

/// The Go runtime knobs of a configuration (absent: Go's defaults).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GoRuntimeKnobs {
    /// `GOGC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gogc: Option<Gogc>,
    /// `GOMEMLIMIT`, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gomemlimit: Option<String>,
}

impl GoRuntimeKnobs {
    /// Whether any knob is set.
    pub fn is_set(&self) -> bool {
        self.gogc.is_some() || self.gomemlimit.is_some()
    }

    /// The environment the harness runs with: every knob, and the ones not
    /// set removed (so the caller's environment does not leak in).
    pub fn env(&self) -> super::harness::EnvChanges {
        vec![
            ("GOGC", self.gogc.map(|g| g.to_string())),
            ("GOMEMLIMIT", self.gomemlimit.clone()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gogc_parses_percentages_and_off() {
        assert_eq!(Gogc::parse("50"), Ok(Gogc::Percent(50)));
        assert_eq!(Gogc::parse("off"), Ok(Gogc::Off));
        for bad in ["0", "-1", "fast", "", "1.5"] {
            let e = Gogc::parse(bad).unwrap_err();
            assert!(e.contains("\"off\""), "{e}");
        }
        assert_eq!(Gogc::Percent(400).to_string(), "400");
    }

    #[test]
    fn gomemlimit_parses_as_go_does() {
        for ok in ["off", "1073741824", "512MiB", "2GiB", "100B", "1TiB"] {
            assert_eq!(parse_gomemlimit(ok).as_deref(), Ok(ok));
        }
        for bad in ["", "MiB", "2GB", "1.5GiB", "-1", "lots"] {
            let e = parse_gomemlimit(bad).unwrap_err();
            assert!(e.contains("KiB, MiB, GiB or TiB"), "{e}");
        }
    }
}
