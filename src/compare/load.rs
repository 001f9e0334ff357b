//! Reading one side of a comparison: a report folder's `report.json`
//! (its schema version checked first, once, in [`parse_report`]) and the
//! folded stacks of the cells it selects, or a criterion baseline.

use super::criterion_input::{self, Origin};
use super::select::{self, InputSpec};
use super::{checks, CompareError, Side, Which};
use crate::report::schema::{LensReport, Report, SCHEMA_VERSION};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Reads `report.json` (checking its schema version before anything else)
/// and the folded stacks of the cells the selector keeps.
pub fn load_side(which: Which, spec: &InputSpec) -> Result<Side, CompareError> {
    let err = |source: InputError| CompareError::Input {
        which,
        arg: spec.arg.clone(),
        source,
    };
    let select_err = |source: select::SelectError| CompareError::Select {
        which,
        arg: spec.arg.clone(),
        source,
    };
    let dir = &spec.dir;
    if let Some(baseline) = criterion_input::BaselineRef::parse(dir) {
        let report =
            criterion_input::load(&baseline).map_err(|source| CompareError::Criterion {
                which,
                arg: spec.arg.clone(),
                source,
            })?;
        select::select(&report, spec.selector.as_ref()).map_err(select_err)?;
        return Ok(Side {
            spec: spec.clone(),
            report,
            folded: BTreeMap::new(),
            origin: Origin::Criterion(baseline),
        });
    }
    if !dir.is_dir() {
        return Err(err(if dir.exists() {
            InputError::NotAFolder(dir.clone())
        } else {
            InputError::NoFolder(dir.clone())
        }));
    }
    let path = dir.join("report.json");
    if !path.is_file() {
        return Err(err(match criterion_input::hint(dir) {
            Some(hint) => InputError::CriterionFolder {
                dir: dir.clone(),
                hint,
            },
            None => InputError::NoReport(dir.clone()),
        }));
    }
    let text = crate::limits::read_text(&path, "report", crate::limits::MAX_REPORT_BYTES)
        .map_err(|e| err(InputError::Read(e)))?;
    let report = parse_report(&text).map_err(|source| CompareError::Report {
        which,
        arg: spec.arg.clone(),
        path: path.clone(),
        source,
    })?;
    if let Some(source) = report
        .cells
        .iter()
        .find_map(|c| crate::cell::CellId::new(c.id.clone()).err())
    {
        return Err(err(InputError::CellId { path, source }));
    }
    let cells = select::select(&report, spec.selector.as_ref()).map_err(select_err)?;
    let mut folded = BTreeMap::new();
    for c in cells {
        if let LensReport::Ok(fg) = &c.lenses.flamegraph {
            folded.entry(fg.folded.clone()).or_insert_with(|| {
                read_inside(dir, &fg.folded).map_err(|e| crate::error::chain(&e))
            });
        }
    }
    Ok(Side {
        spec: spec.clone(),
        report,
        folded,
        origin: Origin::Run,
    })
}

/// Why one side's folder cannot be read as a report folder.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Something other than a folder.
    #[error("`{}` is not a folder", .0.display())]
    NotAFolder(PathBuf),
    /// Nothing there.
    #[error("folder `{}` does not exist", .0.display())]
    NoFolder(PathBuf),
    /// A folder without `report.json` that holds criterion baselines: how
    /// to name one.
    #[error("no report.json in `{}`: {hint}", .dir.display())]
    CriterionFolder {
        /// The folder.
        dir: PathBuf,
        /// How to name one of its baselines ([`criterion_input::hint`]).
        hint: String,
    },
    /// A folder without `report.json`.
    #[error("no report.json in `{}` (is it a report folder written by `mapamp run`, or a criterion folder given as `<folder>@<baseline>`?)", .0.display())]
    NoReport(PathBuf),
    /// `report.json` could not be read.
    #[error(transparent)]
    Read(crate::limits::ReadError),
    /// A cell of `report.json` whose id is not a valid cell id.
    #[error("`{}`", .path.display())]
    CellId {
        /// `report.json`.
        path: PathBuf,
        /// What is wrong with the id.
        #[source]
        source: crate::cell::CellIdError,
    },
}

/// Why the text of a `report.json` is not a report this mapamp reads.
#[derive(Debug, thiserror::Error)]
pub enum ParseReportError {
    /// Not JSON at all.
    #[error("not valid JSON")]
    Json(#[source] serde_json::Error),
    /// A report of an older schema.
    #[error("schema_version {0}, but this mapamp reads schema_version {reads}: the report was written by an older mapamp, which timed each cell in one process (its time figures cannot be tested on the process level); run the profile again with this mapamp", reads = SCHEMA_VERSION)]
    OlderSchema(u64),
    /// A report of a newer schema.
    #[error("schema_version {0}, but this mapamp reads schema_version {reads}; compare with the mapamp version that wrote it", reads = SCHEMA_VERSION)]
    NewerSchema(u64),
    /// No `schema_version`.
    #[error("no numeric schema_version: not a mapamp report")]
    NoSchema,
    /// The right schema, but a field or figure is wrong.
    #[error("not a valid report")]
    Invalid(#[source] checks::ReportCheckError),
}

/// Parses `report.json`: its `schema_version` first, so a report of another
/// version is refused as such rather than as corrupt.
pub fn parse_report(text: &str) -> Result<Report, ParseReportError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(ParseReportError::Json)?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) if v < u64::from(SCHEMA_VERSION) => return Err(ParseReportError::OlderSchema(v)),
        Some(v) => return Err(ParseReportError::NewerSchema(v)),
        None => return Err(ParseReportError::NoSchema),
    }
    let report = checks::deserialize_report(value).map_err(ParseReportError::Invalid)?;
    checks::check_figures(&report).map_err(ParseReportError::Invalid)?;
    Ok(report)
}

/// Why a cell's folded stacks could not be read (its chain becomes the
/// differential profile's `unavailable` reason).
#[derive(Debug, thiserror::Error)]
pub enum FoldedError {
    /// A path that is absolute or climbs out of the report folder.
    #[error("folded stacks path `{0}` leaves the report folder")]
    LeavesFolder(String),
    /// Nothing at the path.
    #[error("folded stacks `{0}` not found")]
    NotFound(String),
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] crate::limits::ReadError),
}

/// Reads `rel` under `dir`, refusing paths that leave the folder.
fn read_inside(dir: &Path, rel: &str) -> Result<String, FoldedError> {
    let p = Path::new(rel);
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(FoldedError::LeavesFolder(rel.to_string()));
    }
    let path = dir.join(p);
    if !path.exists() {
        return Err(FoldedError::NotFound(rel.to_string()));
    }
    Ok(crate::limits::read_text(
        &path,
        "folded stacks",
        crate::limits::MAX_FOLDED_BYTES,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        crate::fsutil::tests::scratch(&format!("compare-load-{name}"))
    }

    /// Loading `dir` as side B, refused, as printed.
    fn refused(dir: &Path) -> String {
        let arg = dir.display().to_string();
        let e = load_side(Which::B, &InputSpec::parse(&arg).unwrap()).unwrap_err();
        crate::error::chain(&e)
    }

    #[test]
    fn a_side_that_is_no_report_folder_is_refused_naming_the_input() {
        let root = scratch("inputs");
        let d = root.display();
        let missing = root.join("missing");
        assert_eq!(
            refused(&missing),
            format!("compare: input B (`{d}/missing`): folder `{d}/missing` does not exist")
        );
        let file = root.join("file");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(
            refused(&file),
            format!("compare: input B (`{d}/file`): `{d}/file` is not a folder")
        );
        let no_report = format!("compare: input B (`{d}`): no report.json in `{d}` (is it a report folder written by `mapamp run`, or a criterion folder given as `<folder>@<baseline>`?)");
        assert_eq!(refused(&root), no_report);
        std::fs::create_dir(root.join("report.json")).unwrap();
        assert_eq!(refused(&root), no_report);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_report_with_a_bad_cell_id_names_the_file_and_the_id() {
        let root = scratch("badid");
        let mut v: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/data/report_fixture.json")).unwrap();
        v["cells"][0]["id"] = "a//b".into();
        std::fs::write(root.join("report.json"), v.to_string()).unwrap();
        let d = root.display();
        assert_eq!(
            refused(&root),
            format!("compare: input B (`{d}`): `{d}/report.json`: cell id `a//b` has an empty, `.` or `..` segment; segments are separated by single `/`")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn folded_stacks_outside_the_folder_or_missing_give_a_reason() {
        let root = scratch("folded");
        let why = |rel: &str| crate::error::chain(&read_inside(&root, rel).unwrap_err());
        assert_eq!(
            why("../x/folded.txt"),
            "folded stacks path `../x/folded.txt` leaves the report folder"
        );
        assert_eq!(
            why("/etc/passwd"),
            "folded stacks path `/etc/passwd` leaves the report folder"
        );
        assert_eq!(
            why("a/folded.txt"),
            "folded stacks `a/folded.txt` not found"
        );
        std::fs::create_dir(root.join("dir")).unwrap();
        assert_eq!(
            why("dir"),
            format!(
                "folded stacks {}/dir is a folder, not a file",
                root.display()
            )
        );
        std::fs::write(root.join("f.txt"), "main 1\n").unwrap();
        assert_eq!(read_inside(&root, "f.txt").unwrap(), "main 1\n");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
