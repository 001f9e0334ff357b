//! The io cells' part of the renderings: their table (throughput, copies
//! per byte measured vs derived, calls, CPU split, faults, switches,
//! delivery) and their charts (GB/s by path, copies per byte by path).
//!
//! Throughput is the time lens's median (bytes per second of region time,
//! with its 95% CI) where it ran, else the io lens's mean over its sends;
//! the text says which.

use super::charts::{latency_percentiles, ns_per_op_vs_n};
use super::format::{integer, not_available, number, percent};
use super::schema::{CellReport, LensReport};
use super::svg::{stacked_bars, Chart, Row, Segment, StackedBars, PALETTE};
use crate::scenario::io::{size_text, IoFigures};

/// The io table's header.
pub const COLUMNS: [&str; 12] = [
    "cell",
    "GB/s",
    "user-space copies/byte",
    "copies/byte (measured + derived)",
    "syscalls/send",
    "kernel share of CPU",
    "page faults/send",
    "context switches/send",
    "cache",
    "chunk",
    "delivery",
    "kernel frames",
];

/// A cell's io figures, or why it has none: the text of its `n/a (…)`
/// entries (a reason written into the report, not an error).
fn io_lens(c: &CellReport) -> Result<&IoFigures, String> {
    match &c.lenses.io {
        Some(LensReport::Ok(f)) => Ok(f),
        Some(l) => Err(l.reason().unwrap_or("no figures").to_string()),
        None => Err("the io lens did not run".to_string()),
    }
}

/// GB/s of a cell and where it comes from: the time lens's median (with
/// its CI), else the io lens's mean.
pub fn throughput(c: &CellReport) -> Result<(f64, String), String> {
    if let Some(t) = c.lenses.time.ok() {
        if let Some(bps) = t.payload_bytes_per_s {
            let per_s = |ns: f64| c.axes.n as f64 / ns;
            return Ok((
                bps / 1e9,
                format!(
                    "{} GB/s ({}–{}, time lens median)",
                    number(bps / 1e9),
                    number(per_s(t.ci_high)),
                    number(per_s(t.ci_low))
                ),
            ));
        }
    }
    let f = io_lens(c)?;
    Ok((
        f.gb_per_s,
        format!(
            "{} GB/s (io lens, mean of {} sends)",
            number(f.gb_per_s),
            f.sends
        ),
    ))
}

/// One row of the io table per io cell (texts, unescaped).
pub fn table_rows(cells: &[&CellReport]) -> Vec<Vec<String>> {
    cells
        .iter()
        .map(|c| {
            let mut row = vec![c.id.clone()];
            row.push(throughput(c).map_or_else(|e| not_available(&e), |(_, t)| t));
            match io_lens(c) {
                Err(e) => row.extend(std::iter::repeat_n(not_available(&e), COLUMNS.len() - 2)),
                Ok(f) => {
                    let u = &f.usage;
                    row.push(format!(
                        "{} (measured)",
                        number(f.copies.sender_user_space_per_byte)
                    ));
                    row.push(format!(
                        "{} = {} measured + {} derived",
                        number(f.copies.total_per_byte),
                        number(f.copies.measured_per_byte),
                        number(f.copies.derived_per_byte)
                    ));
                    row.push(format!(
                        "{} ({})",
                        integer(f.syscalls_total),
                        f.syscalls
                            .iter()
                            .map(|(k, v)| format!("{k} {}", integer(*v)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    row.push(
                        u.system_share
                            .map_or_else(|| not_available("no CPU time charged"), percent),
                    );
                    row.push(format!(
                        "{} minor, {} major",
                        number(u.minor_faults),
                        number(u.major_faults)
                    ));
                    row.push(format!(
                        "{} voluntary, {} involuntary",
                        number(u.voluntary_switches),
                        number(u.involuntary_switches)
                    ));
                    row.push(format!(
                        "{} ({} of {} pages resident)",
                        f.cache.state.name(),
                        integer(f.cache.resident_pages),
                        integer(f.cache.file_pages)
                    ));
                    row.push(if f.chunk_bytes == f.chunk_asked {
                        size_text(f.chunk_bytes)
                    } else {
                        format!(
                            "{} (asked {})",
                            size_text(f.chunk_bytes),
                            size_text(f.chunk_asked)
                        )
                    });
                    row.push(f.verification.clone());
                    row.push(if f.kernel_frames.available {
                        "available".into()
                    } else {
                        not_available(&f.kernel_frames.detail)
                    });
                }
            }
            row
        })
        .collect()
}

fn row_label(c: &CellReport) -> String {
    match &c.axes.io {
        Some(a) => format!(
            "{} · {} · {} · {}",
            a.path,
            a.target,
            a.cache,
            size_text(a.file_bytes)
        ),
        None => c.id.clone(),
    }
}

/// GB/s per cell, one bar each.
pub fn gb_per_s_by_path(id: &str, cells: &[&CellReport]) -> Chart {
    let rows = cells
        .iter()
        .map(|c| Row {
            label: row_label(c),
            tip: c.id.clone(),
            values: throughput(c).map(|(v, _)| vec![v]),
        })
        .collect();
    stacked_bars(&StackedBars {
        id: id.to_string(),
        title: "io: throughput by path (GB/s, 10^9 bytes per second of region time)".into(),
        x_label: "GB/s".into(),
        unit: "GB/s".into(),
        segments: vec![Segment {
            name: "GB/s".into(),
            colour: PALETTE[0],
        }],
        rows,
        notes: vec![
            "The time lens's median where it ran, else the io lens's mean (see the table).".into(),
        ],
    })
}

/// Copies per byte delivered per cell, stacked by step; the derived steps
/// are named so in the legend.
pub fn copies_by_path(id: &str, cells: &[&CellReport]) -> Chart {
    let first = cells.iter().find_map(|c| io_lens(c).ok());
    let segments: Vec<Segment> = match first {
        Some(f) => f
            .copies
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| Segment {
                name: format!(
                    "{} ({})",
                    s.step,
                    match s.basis {
                        crate::scenario::io::copies::Basis::Measured => "measured",
                        crate::scenario::io::copies::Basis::Derived => "derived",
                    }
                ),
                colour: PALETTE[i % PALETTE.len()],
            })
            .collect(),
        None => Vec::new(),
    };
    let rows = cells
        .iter()
        .map(|c| Row {
            label: row_label(c),
            tip: c.id.clone(),
            values: io_lens(c).map(|f| f.copies.steps.iter().map(|s| s.per_byte).collect()),
        })
        .collect();
    stacked_bars(&StackedBars {
        id: id.to_string(),
        title: "io: CPU copies per byte delivered, by step".into(),
        x_label: "copies per byte delivered".into(),
        unit: "copies/byte".into(),
        segments,
        rows,
        notes: vec!["Derived steps follow the kernel's documented behaviour (sources in report.json); they are 0 on every path here: loopback has no device, and sendfile/splice pass page references.".into()],
    })
}

/// The io scenario's charts, in page order; element ids start with `s{index}-`.
pub fn charts(index: usize, cells: &[&CellReport]) -> Vec<Chart> {
    vec![
        gb_per_s_by_path(&format!("s{index}-gbps"), cells),
        copies_by_path(&format!("s{index}-copies"), cells),
        ns_per_op_vs_n(&format!("s{index}-ns"), "io", cells),
        latency_percentiles(&format!("s{index}-latency"), "io", cells),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::schema::Report;

    #[test]
    fn a_cell_without_io_figures_says_why_in_every_entry() {
        let r: Report =
            serde_json::from_str(include_str!("../../tests/data/report_fixture.json")).unwrap();
        let mut c = r.cells.into_iter().next().unwrap();
        c.lenses.time = LensReport::Skipped {
            skipped: "not asked".into(),
        };
        c.lenses.io = None;
        let e = throughput(&c).unwrap_err();
        assert_eq!(e, "the io lens did not run");
        let why = "io_uring_setup refused here: Operation not permitted (os error 1)";
        c.lenses.io = Some(LensReport::Unavailable {
            unavailable: why.into(),
        });
        assert_eq!(throughput(&c).unwrap_err(), why);
        let row = &table_rows(&[&c])[0];
        assert_eq!(row.len(), COLUMNS.len());
        assert!(
            row[1..].iter().all(|t| *t == format!("n/a ({why})")),
            "{row:?}"
        );
    }
}
