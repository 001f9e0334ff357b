//! `mapamp lint`: maps that will pay for growth, in Go and Rust code, and
//! what each one costs.
//!
//! A map made without a size hint and then filled by a loop whose trip
//! count is known where the map is made grows while the loop runs: the
//! classic Go map doubles its bucket array and moves every entry, a Swiss
//! table (Go 1.24+, hashbrown, Rust's `HashMap`) rehashes into a table
//! twice as large. The hint the loop already knows removes those copies.
//!
//! The pipeline, one module per stage:
//!
//! - [`go_check`]: builds the `maplint` analyzer (`go/maplint/`, a Go
//!   module on `golang.org/x/tools/go/analysis`) with the machine's Go, runs
//!   it with `-json -detail` on every Go module under the path, and reads
//!   its findings;
//! - [`rust_check`]: the same pattern in Rust sources (`HashMap::new()`,
//!   `HashSet::default()`, hashbrown's, ... filled by `insert` in a `for`
//!   over something of known length), parsed with `syn`;
//! - [`cost`]: prices each finding with the models (see [`cost::model_for`]):
//!   bytes per copy path, growth copies, allocations and write
//!   amplification, without the hint and with it;
//! - [`render`] (terminal table, JSON) and [`sarif`] (SARIF 2.1.0, what
//!   GitHub code scanning reads);
//! - [`cli`]: the arguments of `mapamp lint` and the one call `main.rs` makes.
//!
//! The policies (what is reported, what is not and why) are the analyzer's,
//! documented in `go/maplint/maphint/doc.go` and `docs/maplint.md`; the Rust
//! check follows the same ones.
//!
//! ```text
//! mapamp lint .                       # table of findings and their costs
//! mapamp lint --assume-n 10000 src/   # price loops without a constant bound at N = 10000
//! mapamp lint --sarif . > lint.sarif  # for code scanning
//! ```

pub mod cli;
pub mod cost;
pub mod error;
pub mod go_check;
pub mod render;
pub mod rust_check;
pub mod sarif;

pub use error::{LintError, NotParsed, NotPriced};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The language a finding is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Go, found by the `maplint` analyzer.
    Go,
    /// Rust, found by [`rust_check`].
    Rust,
}

impl Language {
    /// The SARIF rule id of the language's check.
    pub fn rule_id(self) -> &'static str {
        match self {
            Language::Go => "maphint-go",
            Language::Rust => "maphint-rust",
        }
    }
}

/// One replacement of a byte range of the finding's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// First byte replaced.
    pub start: usize,
    /// One past the last byte replaced.
    pub end: usize,
    /// The replacement text.
    pub new_text: String,
}

/// A position in a file: 1-based line, 1-based column in Unicode code
/// points (what SARIF calls `unicodeCodePoints`), and the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column in code points, from 1.
    pub column: usize,
    /// Byte offset from the start of the file.
    pub offset: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to its length).
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        Position {
            line,
            column,
            offset,
        }
    }

    /// The byte offset of a 1-based line and 1-based byte column (Go's
    /// positions), if the file has that line.
    pub fn offset_of_line_col(text: &str, line: usize, byte_col: usize) -> Option<usize> {
        let mut start = 0;
        for _ in 1..line {
            start += text[start..].find('\n')? + 1;
        }
        let offset = start + byte_col.checked_sub(1)?;
        (offset <= text.len()).then_some(offset)
    }
}

/// A map that will grow while a loop of known trip count fills it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Go or Rust.
    pub language: Language,
    /// The file, relative to the linted root, `/`-separated.
    pub file: String,
    /// Start of the map's creation expression.
    pub start: Position,
    /// End of it.
    pub end: Position,
    /// The map variable.
    pub map: String,
    /// The map's type as written or inferred, when known.
    pub map_type: Option<String>,
    /// The hint the loop knows (`len(xs)`, `n`, `v.len()`).
    pub hint: String,
    /// Whether every iteration inserts a new key (else the hint is an upper bound).
    pub exact: bool,
    /// The trip count, when it is a constant.
    pub const_n: Option<u64>,
    /// Bytes of a key, when known.
    pub key_bytes: Option<u64>,
    /// Bytes of a value (0 for a set), when known.
    pub value_bytes: Option<u64>,
    /// The Go version of the package (go.mod's `go` line), for Go findings.
    pub go_version: Option<String>,
    /// Line of the loop that fills the map.
    pub loop_line: usize,
    /// What the check says.
    pub message: String,
    /// The fix: the hint added where the map is made.
    pub fix: Vec<Edit>,
    /// One line describing the fix.
    pub fix_description: String,
}

/// Directories the source walks never enter: build output, version
/// control, vendored code, test data of other tools.
pub fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "target" | "vendor" | "node_modules" | "testdata")
}

/// The files under `root` (or `root` itself) whose name ends in `ext`,
/// sorted, skipping [`skipped_dir`]s.
pub fn source_files(root: &Path, ext: &str) -> Result<Vec<PathBuf>, LintError> {
    let mut out = Vec::new();
    if root.is_file() {
        if root.extension().is_some_and(|e| e == ext) {
            out.push(root.to_path_buf());
        }
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let read_dir = |source| LintError::ReadDir {
            path: dir.clone(),
            source,
        };
        let entries = std::fs::read_dir(&dir).map_err(read_dir)?;
        for entry in entries {
            let entry = entry.map_err(read_dir)?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type().map_err(|source| LintError::Io {
                path: path.clone(),
                source,
            })?;
            if kind.is_dir() {
                if !skipped_dir(&name) {
                    stack.push(path);
                }
            } else if kind.is_file() && path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `path` relative to `root`, `/`-separated (the path itself when it is
/// not under `root`).
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() {
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    } else {
        s
    }
}

/// What `mapamp lint` checks and how it prices.
#[derive(Clone, Debug)]
pub struct LintOptions {
    /// A folder or a file.
    pub path: PathBuf,
    /// N for loops without a constant trip count.
    pub assume_n: Option<u64>,
    /// A built `maplint` (else built from this repository).
    pub maplint: Option<PathBuf>,
}

/// A finding and its cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PricedFinding {
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// What the missing hint costs.
    pub cost: cost::Pricing,
}

/// Everything `mapamp lint` found and priced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LintReport {
    /// The linted path, as given.
    pub root: String,
    /// `--assume-n`.
    pub assume_n: Option<u64>,
    /// Runs of the Go analyzer (one per module, or part of one).
    pub go_runs: usize,
    /// Rust files parsed.
    pub rust_files: usize,
    /// Findings, by file and line.
    pub findings: Vec<PricedFinding>,
    /// What could not be checked, and why.
    pub notes: Vec<String>,
}

/// Runs both checks under `opts.path` and prices every finding.
pub fn lint(opts: &LintOptions) -> Result<LintReport, LintError> {
    let root = &opts.path;
    if !root.exists() {
        return Err(LintError::NoSuchPath { path: root.clone() });
    }
    if let Some(n) = opts.assume_n {
        if n == 0 || n > cost::MAX_PRICED_N {
            return Err(LintError::AssumeN { n });
        }
    }
    let mut findings = Vec::new();
    let mut notes = Vec::new();

    let (targets, loose) = go_check::targets(root)?;
    for f in &loose {
        notes.push(format!(
            "{}: Go file outside any module (no go.mod above it): not checked",
            f.display()
        ));
    }
    if !targets.is_empty() {
        let maplint = go_check::maplint_binary(opts.maplint.as_deref())?;
        for t in &targets {
            let (f, n) = go_check::run(&maplint, t, root)?;
            findings.extend(f);
            notes.extend(n);
        }
    }

    let rust_files = source_files(root, "rs")?;
    let base = if root.is_file() {
        root.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        root.clone()
    };
    for path in &rust_files {
        let rel = relative(&base, path);
        let src = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                notes.push(format!("{rel}: not read: {e}"));
                continue;
            }
        };
        match rust_check::check_source(&src, &rel) {
            Ok(f) => findings.extend(f),
            Err(e) => notes.push(e.to_string()),
        }
    }

    findings.sort_by(|a, b| {
        (a.language, &a.file, a.start.offset).cmp(&(b.language, &b.file, b.start.offset))
    });
    let mut pricer = cost::Pricer::new(opts.assume_n);
    let findings = findings
        .into_iter()
        .map(|finding| {
            let cost = pricer.price(&finding);
            PricedFinding { finding, cost }
        })
        .collect();
    Ok(LintReport {
        root: root.display().to_string(),
        assume_n: opts.assume_n,
        go_runs: targets.len(),
        rust_files: rust_files.len(),
        findings,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_code_points() {
        let text = "ab\nçd = x\n";
        let p = Position::of_offset(text, text.find('=').unwrap());
        assert_eq!((p.line, p.column), (2, 4)); // ç is two bytes, one code point
        assert_eq!(Position::offset_of_line_col(text, 2, 5), text.find('='));
        assert_eq!(Position::offset_of_line_col(text, 9, 1), None);
        let start = Position::of_offset(text, 0);
        assert_eq!((start.line, start.column), (1, 1));
    }

    #[test]
    fn relative_paths_use_slashes() {
        let root = Path::new("/a/b");
        assert_eq!(relative(root, Path::new("/a/b/c/d.go")), "c/d.go");
        assert_eq!(
            relative(Path::new("/a/b/d.go"), Path::new("/a/b/d.go")),
            "d.go"
        );
    }
}
