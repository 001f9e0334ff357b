//! Writing a comparison folder: only into a folder that is the
//! comparison's own, and all at once.
//!
//! `--out` must be missing, empty, or hold a previous comparison and
//! nothing else ([`check_out_folder`]); anything else (a run's report
//! folder, a folder of someone's files) is refused before a byte is
//! written. The files are then rendered in memory, written to a staging
//! folder beside `--out` and moved into place by renames
//! ([`fsutil::publish_dir`]), so a comparison that fails half-way leaves
//! nothing under the final names.

use super::{flame, render_html, render_md, CompareError, Comparison};
use crate::fsutil;
use crate::report::schema::LensReport;
use std::path::{Path, PathBuf};

/// The file that marks a folder as a comparison.
pub const MARKER: &str = "compare.json";

/// Top-level entries a comparison folder holds.
const TOP_LEVEL: [&str; 4] = [MARKER, "compare.md", "index.html", "cells"];

/// What is wrong with `--out` (the sentence after its name in
/// [`CompareError::Out`]). An OS error is part of the sentence, which goes
/// on after it, so it is in the message rather than a source.
#[derive(Debug, thiserror::Error)]
pub enum OutRefusal {
    /// It is no folder: a symbolic link, a file, or not to be examined.
    #[error(transparent)]
    NotAFolder(#[from] crate::fsutil::NotAFolder),
    /// It, or a folder or entry under its `cells/`, could not be read.
    #[error("cannot be read: {0}")]
    Read(std::io::Error),
    /// It holds files but no comparison.
    #[error("is not empty and holds no comparison (no valid {MARKER}; it holds {})", sample(.entries))]
    NoComparison {
        /// Its entries.
        entries: Vec<String>,
    },
    /// It holds a comparison and other files.
    #[error("holds a comparison and also files mapamp compare did not write ({})", sample(.foreign))]
    Foreign {
        /// The other files, relative to it.
        foreign: Vec<String>,
    },
}

/// Refuses an output folder that is not a comparison's: it must not exist,
/// be empty, or hold exactly what a previous `mapamp compare` wrote
/// (`compare.json`, `compare.md`, `index.html`, `cells/**/diff*.svg`).
pub fn check_out_folder(out: &Path) -> Result<(), CompareError> {
    out_refusal(out).map_err(|refusal| CompareError::Out {
        out: out.to_path_buf(),
        refusal,
    })
}

/// [`check_out_folder`]'s rules.
fn out_refusal(out: &Path) -> Result<(), OutRefusal> {
    if !crate::fsutil::existing_folder(out)? {
        return Ok(());
    }
    let entries = list(out)?;
    if entries.is_empty() {
        return Ok(());
    }
    let marker = out.join(MARKER);
    let is_comparison = std::fs::read_to_string(&marker)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|v| v.get("schema_version").is_some() && v.get("inputs").is_some());
    if !is_comparison {
        return Err(OutRefusal::NoComparison { entries });
    }
    let mut foreign = Vec::new();
    for e in &entries {
        if !TOP_LEVEL.contains(&e.as_str()) {
            foreign.push(e.clone());
        }
    }
    let cells = out.join("cells");
    if cells.is_dir() {
        foreign_in_cells(&cells, Path::new("cells"), &mut foreign)?;
    } else if cells.exists() {
        foreign.push("cells".into());
    }
    if !foreign.is_empty() {
        return Err(OutRefusal::Foreign { foreign });
    }
    Ok(())
}

fn list(dir: &Path) -> Result<Vec<String>, OutRefusal> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(OutRefusal::Read)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(OutRefusal::Read)?;
    names.sort();
    Ok(names)
}

/// Anything under `cells/` that is not a folder or a differential graph.
fn foreign_in_cells(dir: &Path, rel: &Path, foreign: &mut Vec<String>) -> Result<(), OutRefusal> {
    for name in list(dir)? {
        let path = dir.join(&name);
        let rel = rel.join(&name);
        let meta = std::fs::symlink_metadata(&path).map_err(OutRefusal::Read)?;
        if meta.is_dir() {
            foreign_in_cells(&path, &rel, foreign)?;
        } else if !(meta.is_file() && (name == flame::SVG_B_SHAPE || name == flame::SVG_A_SHAPE)) {
            foreign.push(rel.display().to_string());
        }
    }
    Ok(())
}

fn sample(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    let more = names.len().saturating_sub(3);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Every file of the comparison folder, rendered: relative path → bytes.
pub fn files(cmp: &Comparison) -> Result<Vec<(PathBuf, Vec<u8>)>, CompareError> {
    let r = &cmp.report;
    let mut files = Vec::new();
    for cell in &r.cells {
        let (LensReport::Ok(fd), Some(svgs)) = (&cell.flame, cmp.diff_svgs.get(&cell.id)) else {
            continue;
        };
        for (rel, svg) in [(&fd.svg, &svgs.b_shape), (&fd.svg_a_shape, &svgs.a_shape)] {
            files.push((PathBuf::from(rel), svg.clone().into_bytes()));
        }
    }
    let json = serde_json::to_string_pretty(r).map_err(CompareError::Json)?;
    files.push((PathBuf::from(MARKER), json.into_bytes()));
    files.push(("compare.md".into(), render_md::render(r).into_bytes()));
    files.push(("index.html".into(), render_html::render(r).into_bytes()));
    Ok(files)
}

/// Writes `compare.json`, `compare.md`, `index.html` and, per cell with a
/// differential profile, `cells/<id>/diff.svg` and `diff-a-shape.svg`
/// into `out`: refused unless `out` is the comparison's own
/// ([`check_out_folder`]); staged beside it and moved into place, so on
/// failure nothing lands under the final names and a previous comparison
/// in `out` is kept.
pub fn write_outputs(cmp: &Comparison, out: &Path) -> Result<(), CompareError> {
    check_out_folder(out)?;
    let files = files(cmp)?;
    fsutil::publish_dir(out, &files).map_err(CompareError::Publish)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        crate::fsutil::tests::scratch(&format!("compare-out-{name}"))
    }

    /// The refusal of `out`, as printed.
    fn refused(out: &Path) -> String {
        crate::error::chain(&check_out_folder(out).unwrap_err())
    }

    fn sentence(out: &Path, why: &str) -> String {
        format!(
            "compare: cannot write the comparison: --out `{}` {why}; mapamp compare writes only into a new or empty folder or one holding a previous comparison (choose another --out)",
            out.display()
        )
    }

    #[test]
    fn out_folders_that_are_not_a_comparisons_are_refused_with_the_reason() {
        let root = scratch("refusals");
        assert!(check_out_folder(&root.join("new")).is_ok());
        assert!(check_out_folder(&root).is_ok());
        let file = root.join("file");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(
            refused(&file),
            sentence(&file, "exists and is not a folder")
        );
        let link = root.join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(refused(&link), sentence(&link, "is a symbolic link"));
        for n in ["a", "b", "c", "d"] {
            std::fs::write(root.join(format!("{n}.txt")), "x").unwrap();
        }
        assert_eq!(
            refused(&root),
            sentence(
                &root,
                "is not empty and holds no comparison (no valid compare.json; it holds `a.txt`, `b.txt`, `c.txt` and 3 more)"
            )
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_comparison_with_other_files_is_refused_naming_them() {
        let root = scratch("foreign");
        std::fs::write(root.join(MARKER), r#"{"schema_version": 1, "inputs": {}}"#).unwrap();
        let cell = root.join("cells/x");
        std::fs::create_dir_all(&cell).unwrap();
        std::fs::write(cell.join(flame::SVG_B_SHAPE), "<svg/>").unwrap();
        assert!(check_out_folder(&root).is_ok());
        std::fs::write(cell.join("notes.txt"), "mine").unwrap();
        std::fs::write(root.join("README"), "mine").unwrap();
        assert_eq!(
            refused(&root),
            sentence(
                &root,
                "holds a comparison and also files mapamp compare did not write (`README`, `cells/x/notes.txt`)"
            )
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
