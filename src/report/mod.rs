//! Reports: the schema of `report.json` and its renderings.
//!
//! The pipeline flows one way: `mapamp run` writes a [`schema::Report`];
//! everything here only reads it. [`write_renderings`] turns it into
//! `summary.md` ([`markdown`]) and `index.html` ([`html`]) beside it.
//!
//! | module | owns |
//! |---|---|
//! | [`schema`] | the serde structs of `report.json` |
//! | [`rows`] | the cell table's columns and each cell's formatted figures |
//! | [`availability`] | lenses without figures, grouped by reason |
//! | [`evolution`](mod@evolution) | "Runtime evolution": Go releases against each other per type shape, its charts and verdicts |
//! | [`findings`](mod@findings) | the findings block the page and summary open with |
//! | [`noise`] | the statement at the top: time sampling, the measured noise floor, the flame graphs' sampler |
//! | [`notes`] | per-scenario notes (derived accounting, isolation floors, same-setup A/A controls...) |
//! | [`real_go`] | model and real-Go cells side by side |
//! | [`format`](mod@format) | number precision and units, `n/a (reason)` |
//! | [`escaping`] | HTML/SVG/Markdown escaping and safe relative links |
//! | [`svg`] | chart drawing primitives (line, stacked bars, dot plot) |
//! | [`charts`] | the report's charts, built from a scenario's cells |
//! | [`timeline`](mod@timeline) | a cell's write timeline as a chart |
//! | [`io`] | the io cells' table and charts (GB/s, copies per byte by path) |
//! | [`markdown`] | `summary.md` |
//! | [`html`] | `index.html` |
//! | [`benchfmt`] | `bench.txt` (Go benchmark data format, for benchstat) |
//! | [`metrics_prom`] | `metrics.prom` (Prometheus text format, for dashboards) |
//!
//! Analysis never formats; reports never compute: renderers derive nothing
//! beyond small display figures (a share, a per-operation division).

pub mod availability;
pub mod benchfmt;
pub mod cache_misses;
pub mod charts;
pub mod escaping;
pub mod evolution;
pub mod findings;
pub mod format;
pub mod html;
pub mod io;
pub mod markdown;
pub mod metrics_prom;
pub mod noise;
pub mod notes;
pub mod real_go;
pub mod rows;
pub mod schema;
pub mod svg;
pub mod timeline;

use std::path::Path;

/// File name of the Markdown summary inside a report folder.
pub const SUMMARY_MD: &str = "summary.md";
/// File name of the HTML page inside a report folder.
pub const INDEX_HTML: &str = "index.html";

/// Writes `summary.md`, `index.html`, `bench.txt` and `metrics.prom` for `r` into the
/// report folder `dir` (each atomically: temp file, fsync, rename).
pub fn write_renderings(dir: &Path, r: &schema::Report) -> Result<(), crate::fsutil::FsError> {
    crate::fsutil::write_atomic(&dir.join(SUMMARY_MD), markdown::summary_md(r).as_bytes())?;
    crate::fsutil::write_atomic(&dir.join(INDEX_HTML), html::index_html(r).as_bytes())?;
    crate::fsutil::write_atomic(
        &dir.join(benchfmt::BENCH_TXT),
        benchfmt::bench_txt(r).as_bytes(),
    )?;
    crate::fsutil::write_atomic(
        &dir.join(metrics_prom::METRICS_PROM),
        metrics_prom::metrics_prom(r).as_bytes(),
    )
}
