//! Reading one side of a comparison: a report folder's `report.json`
//! (its schema version checked first, once, in [`parse_report`]) and the
//! folded stacks of the cells it selects, or a criterion baseline.

use super::criterion_input::{self, Origin};
use super::select::{self, InputSpec};
use super::{checks, CompareError, Side, Which};
use crate::report::schema::{LensReport, Report, SCHEMA_VERSION};
use std::collections::BTreeMap;
use std::path::{Component, Path};

/// Reads `report.json` (checking its schema version before anything else)
/// and the folded stacks of the cells the selector keeps.
pub fn load_side(which: Which, spec: &InputSpec) -> Result<Side, CompareError> {
    let err = |reason: String| CompareError::Input {
        which,
        arg: spec.arg.clone(),
        reason,
    };
    let dir = &spec.dir;
    if let Some(baseline) = criterion_input::BaselineRef::parse(dir) {
        let report =
            criterion_input::load(&baseline).map_err(|source| CompareError::Criterion {
                which,
                arg: spec.arg.clone(),
                source,
            })?;
        select::select(&report, spec.selector.as_ref()).map_err(&err)?;
        return Ok(Side {
            spec: spec.clone(),
            report,
            folded: BTreeMap::new(),
            origin: Origin::Criterion(baseline),
        });
    }
    if !dir.is_dir() {
        return Err(err(if dir.exists() {
            format!("`{}` is not a folder", dir.display())
        } else {
            format!("folder `{}` does not exist", dir.display())
        }));
    }
    let path = dir.join("report.json");
    if !path.is_file() {
        return Err(err(match criterion_input::hint(dir) {
            Some(hint) => format!("no report.json in `{}`: {hint}", dir.display()),
            None => format!(
                "no report.json in `{}` (is it a report folder written by `mapamp run`, or a criterion folder given as `<folder>@<baseline>`?)",
                dir.display()
            ),
        }));
    }
    let text = crate::limits::read_text(&path, "report", crate::limits::MAX_REPORT_BYTES)
        .map_err(|e| err(e.into()))?;
    let report = parse_report(&text).map_err(|source| CompareError::Report {
        which,
        arg: spec.arg.clone(),
        path: path.clone(),
        source,
    })?;
    if let Some(bad) = report
        .cells
        .iter()
        .find_map(|c| crate::cell::CellId::new(c.id.clone()).err())
    {
        return Err(err(format!("`{}`: {bad}", path.display())));
    }
    let cells = select::select(&report, spec.selector.as_ref()).map_err(&err)?;
    let mut folded = BTreeMap::new();
    for c in cells {
        if let LensReport::Ok(fg) = &c.lenses.flamegraph {
            folded
                .entry(fg.folded.clone())
                .or_insert_with(|| read_inside(dir, &fg.folded));
        }
    }
    Ok(Side {
        spec: spec.clone(),
        report,
        folded,
        origin: Origin::Run,
    })
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

/// Reads `rel` under `dir`, refusing paths that leave the folder.
fn read_inside(dir: &Path, rel: &str) -> Result<String, String> {
    let p = Path::new(rel);
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "folded stacks path `{rel}` leaves the report folder"
        ));
    }
    let path = dir.join(p);
    if !path.exists() {
        return Err(format!("folded stacks `{rel}` not found"));
    }
    Ok(crate::limits::read_text(
        &path,
        "folded stacks",
        crate::limits::MAX_FOLDED_BYTES,
    )?)
}
