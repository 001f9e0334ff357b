//! The Go check: the `maplint` analyzer (`go/maplint/`), built with the
//! machine's Go and run with `-json -detail` on every Go module under the
//! linted path.
//!
//! [`maplint_binary`] is the one place that builds it: `go build` into
//! `target/maplint/` of this repository, under a file lock (tests run in
//! parallel), relying on Go's own cache to relink only when the sources
//! changed. `--maplint PATH` (or `MAPAMP_MAPLINT`) uses a binary built
//! elsewhere instead.

use super::{relative, skipped_dir, Edit, Finding, Language, LintError, Position};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The analyzer's module, in this repository.
pub const MAPLINT_SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/go/maplint");

/// What `-detail` appends to a message, before the JSON object.
const DETAIL_MARKER: &str = " maplint-detail: ";

/// A `maplint` binary: `explicit` if given, else `MAPAMP_MAPLINT`, else
/// built from [`MAPLINT_SRC`] with the `go` on `PATH`.
pub fn maplint_binary(explicit: Option<&Path>) -> Result<PathBuf, LintError> {
    let given = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("MAPAMP_MAPLINT").map(PathBuf::from));
    if let Some(p) = given {
        return if p.is_file() {
            Ok(p)
        } else {
            Err(LintError::NoMaplint { path: p })
        };
    }
    let src = Path::new(MAPLINT_SRC);
    if !src.join("go.mod").is_file() {
        return Err(LintError::NoMaplintSources {
            src: src.to_path_buf(),
        });
    }
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/maplint");
    std::fs::create_dir_all(&out_dir).map_err(|source| LintError::BuildDir {
        path: out_dir.clone(),
        what: "create",
        source,
    })?;
    let out = out_dir.join("maplint");
    let _lock = Lock::exclusive(&out_dir.join(".build.lock"))?;
    let built = Command::new("go")
        .args(["build", "-trimpath", "-o"])
        .arg(&out)
        .arg("./cmd/maplint")
        .current_dir(src)
        .output()
        .map_err(|error| LintError::NoGo { error })?;
    if !built.status.success() {
        return Err(LintError::BuildFailed {
            src: src.to_path_buf(),
            stderr: String::from_utf8_lossy(&built.stderr).trim().to_string(),
        });
    }
    Ok(out)
}

/// An exclusive `flock` on a file, released when dropped.
struct Lock(std::fs::File);

impl Lock {
    fn exclusive(path: &Path) -> Result<Lock, LintError> {
        use std::os::fd::AsRawFd;
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|source| LintError::BuildDir {
                path: path.to_path_buf(),
                what: "open",
                source,
            })?;
        // SAFETY: flock on a descriptor this File owns and keeps open for
        // the lock's lifetime; no memory is passed.
        let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
        if rc != 0 {
            return Err(LintError::BuildDir {
                path: path.to_path_buf(),
                what: "lock",
                source: std::io::Error::last_os_error(),
            });
        }
        Ok(Lock(f))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as in `exclusive`; the descriptor is still open.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// One run of the analyzer: a module folder and a package pattern in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The folder holding `go.mod`.
    pub module: PathBuf,
    /// The pattern (`./...`, `./sub/...`, `./sub`).
    pub pattern: String,
    /// Only findings in this file (when the linted path is one Go file).
    pub only_file: Option<PathBuf>,
}

/// The analyzer runs that cover `root`: every module under it, or the part
/// of the module that contains it. Also the Go files outside any module.
pub fn targets(root: &Path) -> Result<(Vec<Target>, Vec<PathBuf>), LintError> {
    let root = root.canonicalize().map_err(|source| LintError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    let dir = if root.is_file() {
        root.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        root.clone()
    };
    if root.is_file() && root.extension().is_none_or(|e| e != "go") {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut modules = Vec::new();
    let mut loose = Vec::new();
    if root.is_dir() {
        walk_modules(&root, None, &mut modules, &mut loose)?;
    }
    let mut out = Vec::new();
    if modules.first().is_none_or(|m| *m != dir) && (root.is_file() || !loose.is_empty()) {
        // Go files in the root that belong to the module around it (if any).
        if let Some(m) = enclosing_module(&dir) {
            let rel = relative(&m, &dir);
            let pattern = match (root.is_file(), m == dir) {
                (true, true) => ".".to_string(),
                (true, false) => format!("./{rel}"),
                (false, true) => "./...".to_string(),
                (false, false) => format!("./{rel}/..."),
            };
            out.push(Target {
                module: m,
                pattern,
                only_file: root.is_file().then(|| root.clone()),
            });
            loose.clear();
        } else if root.is_file() {
            loose.push(root.clone());
        }
    }
    out.extend(modules.into_iter().map(|m| Target {
        module: m,
        pattern: "./...".to_string(),
        only_file: None,
    }));
    Ok((out, loose))
}

/// Module folders under `dir`; `.go` files under no module go to `loose`.
fn walk_modules(
    dir: &Path,
    module: Option<&Path>,
    modules: &mut Vec<PathBuf>,
    loose: &mut Vec<PathBuf>,
) -> Result<(), LintError> {
    let here = if dir.join("go.mod").is_file() {
        modules.push(dir.to_path_buf());
        Some(dir)
    } else {
        module
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|source| LintError::ReadDir {
            path: dir.to_path_buf(),
            source,
        })?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() && !skipped_dir(&name) && !name.starts_with('_') {
            walk_modules(&path, here, modules, loose)?;
        } else if kind.is_file() && name.ends_with(".go") && here.is_none() {
            loose.push(path);
        }
    }
    Ok(())
}

fn enclosing_module(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join("go.mod").is_file())
        .map(Path::to_path_buf)
}

/// The facts `-detail` appends (see `maphint.Detail`).
#[derive(Debug, Deserialize)]
struct Detail {
    map: String,
    #[serde(rename = "type")]
    ty: String,
    key_bytes: i64,
    value_bytes: i64,
    hint: String,
    const_n: Option<i64>,
    exact: bool,
    go: String,
    loop_line: usize,
}

#[derive(Debug, Deserialize)]
struct JsonEdit {
    filename: String,
    start: usize,
    end: usize,
    new: String,
}

#[derive(Debug, Deserialize)]
struct JsonFix {
    message: String,
    edits: Vec<JsonEdit>,
}

#[derive(Debug, Deserialize)]
struct JsonDiagnostic {
    posn: String,
    end: String,
    message: String,
    #[serde(default)]
    suggested_fixes: Vec<JsonFix>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum JsonResult {
    Diagnostics(Vec<JsonDiagnostic>),
    Error { error: String },
}

/// Runs `maplint` on one target; findings carry paths relative to `root`,
/// and notes say what could not be analysed.
pub fn run(
    maplint: &Path,
    target: &Target,
    root: &Path,
) -> Result<(Vec<Finding>, Vec<String>), LintError> {
    let out = Command::new(maplint)
        .args(["-json", "-detail", &target.pattern])
        .current_dir(&target.module)
        .output()
        .map_err(|source| LintError::RunMaplint {
            maplint: maplint.to_path_buf(),
            source,
        })?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut notes: Vec<String> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{}: {l}", target.module.display()))
        .collect();
    if stdout.trim().is_empty() {
        if out.status.success() {
            return Ok((Vec::new(), notes));
        }
        return Err(LintError::MaplintFailed {
            pattern: target.pattern.clone(),
            module: target.module.clone(),
            stderr: stderr.trim().to_string(),
        });
    }
    let tree: BTreeMap<String, BTreeMap<String, JsonResult>> =
        serde_json::from_str(&stdout).map_err(|error| LintError::MaplintJson { error })?;
    let mut findings = Vec::new();
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let root_dir = if root.is_file() {
        root.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        root.clone()
    };
    for (pkg, by_analyzer) in tree {
        for (_, result) in by_analyzer {
            match result {
                JsonResult::Error { error } => notes.push(format!("{pkg}: {error}")),
                JsonResult::Diagnostics(diags) => {
                    for d in diags {
                        let f = finding_of(&d, &root_dir)?;
                        let keep = target
                            .only_file
                            .as_ref()
                            .is_none_or(|only| Path::new(&d.posn_file()) == only.as_path());
                        if keep {
                            findings.push(f);
                        }
                    }
                }
            }
        }
    }
    Ok((findings, notes))
}

impl JsonDiagnostic {
    fn posn_file(&self) -> String {
        split_posn(&self.posn).map_or_else(String::new, |(f, _, _)| f.to_string())
    }
}

/// `file:line:col` (the file may contain colons).
fn split_posn(posn: &str) -> Option<(&str, usize, usize)> {
    let mut it = posn.rsplitn(3, ':');
    let col = it.next()?.parse().ok()?;
    let line = it.next()?.parse().ok()?;
    Some((it.next()?, line, col))
}

fn finding_of(d: &JsonDiagnostic, root: &Path) -> Result<Finding, LintError> {
    let bad = |what: &str| LintError::Diagnostic {
        posn: d.posn.clone(),
        what: what.to_string(),
    };
    let (file, line, col) = split_posn(&d.posn).ok_or_else(|| bad("no file:line:col"))?;
    let (_, end_line, end_col) = split_posn(&d.end).ok_or_else(|| bad("no end position"))?;
    let (message, detail) = d
        .message
        .split_once(DETAIL_MARKER)
        .ok_or_else(|| bad("no maplint-detail (a maplint without -detail?)"))?;
    let detail: Detail =
        serde_json::from_str(detail).map_err(|e| bad(&format!("detail not readable: {e}")))?;
    let text = std::fs::read_to_string(file).map_err(|source| LintError::Io {
        path: file.into(),
        source,
    })?;
    let at = |l, c| {
        Position::offset_of_line_col(&text, l, c)
            .map(|o| Position::of_offset(&text, o))
            .ok_or_else(|| bad("position outside the file"))
    };
    let fix = d.suggested_fixes.first();
    let edits = fix
        .map(|f| {
            f.edits
                .iter()
                .filter(|e| Path::new(&e.filename) == Path::new(file))
                .map(|e| Edit {
                    start: e.start,
                    end: e.end,
                    new_text: e.new.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let size = |b: i64| u64::try_from(b).ok();
    Ok(Finding {
        language: Language::Go,
        file: relative(root, Path::new(file)),
        start: at(line, col)?,
        end: at(end_line, end_col)?,
        map: detail.map,
        map_type: Some(detail.ty),
        hint: detail.hint,
        exact: detail.exact,
        const_n: detail.const_n.and_then(|n| u64::try_from(n).ok()),
        key_bytes: size(detail.key_bytes),
        value_bytes: size(detail.value_bytes),
        go_version: (!detail.go.is_empty()).then_some(detail.go),
        loop_line: detail.loop_line,
        message: message.to_string(),
        fix: edits,
        fix_description: fix.map_or_else(String::new, |f| f.message.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_split_at_the_last_two_colons() {
        assert_eq!(split_posn("/a:b/c.go:12:7"), Some(("/a:b/c.go", 12, 7)));
        assert_eq!(split_posn("nope"), None);
    }

    #[test]
    fn targets_cover_modules_under_the_root_and_the_module_around_it() {
        let dir = std::env::temp_dir().join(format!("mapamp-lint-targets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("m/sub")).unwrap();
        std::fs::create_dir_all(dir.join("n/testdata")).unwrap();
        std::fs::create_dir_all(dir.join("loose")).unwrap();
        std::fs::write(dir.join("m/go.mod"), "module m\n\ngo 1.22\n").unwrap();
        std::fs::write(dir.join("m/sub/a.go"), "package sub\n").unwrap();
        std::fs::write(dir.join("n/go.mod"), "module n\n\ngo 1.26\n").unwrap();
        std::fs::write(dir.join("n/testdata/x.go"), "package x\n").unwrap();
        std::fs::write(dir.join("loose/l.go"), "package l\n").unwrap();
        let dir = dir.canonicalize().unwrap();

        let (t, loose) = targets(&dir).unwrap();
        let mods: Vec<_> = t
            .iter()
            .map(|t| (t.module.clone(), t.pattern.as_str()))
            .collect();
        assert_eq!(
            mods,
            vec![(dir.join("m"), "./..."), (dir.join("n"), "./...")]
        );
        assert_eq!(loose, vec![dir.join("loose/l.go")]);

        let (t, _) = targets(&dir.join("m/sub")).unwrap();
        assert_eq!(t[0].module, dir.join("m"));
        assert_eq!(t[0].pattern, "./sub/...");

        let (t, _) = targets(&dir.join("m/sub/a.go")).unwrap();
        assert_eq!(t[0].pattern, "./sub");
        assert_eq!(t[0].only_file, Some(dir.join("m/sub/a.go")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
