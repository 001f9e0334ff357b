//! Cell ids: one type used as benchmark id, report folder name and compare key.
//!
//! An id is a `/`-separated path of segments such as
//! `evacuate_double/gomap/go-default/n=1048576/keys=random/k8v8`. Segments
//! use only `[A-Za-z0-9._=+-]`, are never empty, `.` or `..`, so an id can
//! always be joined under a report folder without escaping it.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Why a text is not a cell id: the id and the rule it breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CellIdError {
    /// Empty or longer than 200 characters.
    #[error("cell id `{0}` must be 1 to 200 characters long")]
    Length(String),
    /// An empty, `.` or `..` segment.
    #[error(
        "cell id `{0}` has an empty, `.` or `..` segment; segments are separated by single `/`"
    )]
    Segment(String),
    /// A character outside `[A-Za-z0-9._=+-]`.
    #[error("cell id `{id}` contains `{c}`; allowed: letters, digits and . _ = + - (and / between segments)")]
    Char {
        /// The id.
        id: String,
        /// The first character not allowed.
        c: char,
    },
}

/// A validated cell id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CellId(String);

impl CellId {
    /// Validates `s` as a cell id.
    pub fn new(s: impl Into<String>) -> Result<CellId, CellIdError> {
        let s = s.into();
        if s.is_empty() || s.len() > 200 {
            return Err(CellIdError::Length(s));
        }
        for seg in s.split('/') {
            if seg.is_empty() || seg == "." || seg == ".." {
                return Err(CellIdError::Segment(s));
            }
            if let Some(c) = seg
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || "._=+-".contains(*c)))
            {
                return Err(CellIdError::Char { id: s, c });
            }
        }
        Ok(CellId(s))
    }

    /// Builds an id from segments (each validated).
    pub fn from_segments<S: AsRef<str>>(segments: &[S]) -> Result<CellId, CellIdError> {
        CellId::new(
            segments
                .iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first segment: the scenario.
    pub fn scenario(&self) -> &str {
        self.0.split('/').next().unwrap_or("")
    }

    /// The folder of this cell under `root` (always inside `root`).
    pub fn dir_under(&self, root: &Path) -> PathBuf {
        let mut p = root.to_path_buf();
        for seg in self.0.split('/') {
            p.push(seg);
        }
        p
    }

    /// Whether the id matches a filter: `*` matches any run of characters
    /// (including `/`); without `*` the filter matches as a substring.
    pub fn matches(&self, filter: &str) -> bool {
        if !filter.contains('*') {
            return self.0.contains(filter);
        }
        glob_match(filter.as_bytes(), self.0.as_bytes())
    }
}

fn glob_match(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| glob_match(rest, &s[i..])),
        Some((c, rest)) => s.first() == Some(c) && glob_match(rest, &s[1..]),
    }
}

impl std::fmt::Display for CellId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CellId {
    type Error = CellIdError;
    fn try_from(s: String) -> Result<Self, CellIdError> {
        CellId::new(s)
    }
}

impl From<CellId> for String {
    fn from(c: CellId) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_ids_are_accepted_and_stay_inside() {
        let id =
            CellId::new("evacuate_double/gomap/go-default/n=1048576/keys=random/k8v8").unwrap();
        assert_eq!(id.scenario(), "evacuate_double");
        let root = Path::new("/tmp/r");
        assert!(id.dir_under(root).starts_with(root));
        assert_eq!(
            id.dir_under(root).components().count(),
            root.components().count() + 6
        );
    }

    #[test]
    fn escaping_or_odd_ids_are_refused() {
        for bad in [
            "", "../x", "a//b", "/abs", "a/./b", "a/b/", "a b", "a\\b", "x/..", "é",
        ] {
            assert!(CellId::new(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(CellId::new("a".repeat(201)).is_err());
    }

    #[test]
    fn filters_match_substrings_and_globs() {
        let id = CellId::new("assign/gomap/presized/n=1024/keys=random/k8v8").unwrap();
        assert!(id.matches("gomap/presized"));
        assert!(id.matches("assign/*/n=1024/*"));
        assert!(!id.matches("overflow/*"));
        assert!(id.matches("*"));
    }
}
