//! The flame graph of a real-Go cell: Go's own CPU profile of the regions
//! (`runtime/pprof`, written by the harness as `profile.pb.gz`), through the
//! same folded stacks and inferno renderer as the model's.
//!
//! Every sample whose stack passes through the harness's region function
//! (`mapamp/internal/harness.measuredRegion`) is kept, cut there; the rest
//! (setup, the harness, the collector's background workers) is dropped. The
//! profile file itself stays whole: its region samples also carry the pprof
//! label `mapamp=region` (`go tool pprof -tagfocus=mapamp=region`).
//!
//! Go's profiler samples on per-thread CPU timers, which the kernel checks
//! at its tick: asking above the tick rate (the budget's `flamegraph_hz`) gives more
//! samples than Go's default 100 Hz, up to the tick rate.
//!
//! The harness profiles until `budget.flamegraph_samples` region samples
//! or `budget.flamegraph_ms` of regions, whichever first. Go's profiler
//! gives no count while it runs, so a first profile of a tenth of the time
//! budget measures the rate (the harness counts its `mapamp=region`
//! samples); if it did not reach the target, a fresh profile sized by that
//! rate, within the budget left, is the one kept (`calibration_ns` in the
//! harness's answer is the region time of the one not kept).

use super::harness::ProfileInfo;
use crate::fsutil::write_atomic;
use crate::lens::flamegraph::{render_svg, DEFAULT_MIN_SAMPLES, FOLDED_FILE, PPROF_FILE, SVG_FILE};
use crate::lens::folded::FoldedStacks;
use crate::report::schema::FlamegraphFigures;
use pprof::protos::{Message, Profile};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a Go CPU profile (`profile.pb.gz`) cannot be read, or its flame
/// graph not drawn.
#[derive(Debug, thiserror::Error)]
pub enum GoProfileError {
    /// The profile file could not be read.
    #[error("{}", .path.display())]
    Read {
        /// The file the harness named.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Not gzip data.
    #[error("the Go CPU profile is not gzip data")]
    NotGzip(#[source] std::io::Error),
    /// Gzip, but not a pprof protobuf (prost's decode error as source).
    #[error("the Go CPU profile is not a pprof protobuf")]
    NotPprof(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// No sample type named `samples`.
    #[error("the Go CPU profile has no `samples` value")]
    NoSamplesValue,
    /// A sample's location id that no location has.
    #[error("the Go CPU profile names a location {id} it does not define")]
    UnknownLocation {
        /// The location id.
        id: u64,
    },
    /// No sample of the profile is in the harness's region.
    #[error(
        "no samples landed in the measured region: {regions} regions ran {ms} ms in total \
         (sampling asked at {hz} Hz); raise budget.flamegraph_ms or read the callgrind lens"
    )]
    NoRegionSamples {
        /// Regions profiled.
        regions: u64,
        /// Their total time, ms.
        ms: u64,
        /// The rate asked for, Hz.
        hz: u32,
    },
    /// The flame graph could not be drawn.
    #[error(transparent)]
    Render(#[from] crate::lens::error::LensError),
    /// A file of the flame graph could not be written.
    #[error(transparent)]
    Write(#[from] crate::fsutil::FsError),
}

/// Region stacks of a Go CPU profile (gzipped protobuf), cut at
/// `region_frame`, with each sample's count.
pub fn region_stacks(gz: &[u8], region_frame: &str) -> Result<FoldedStacks, GoProfileError> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut raw)
        .map_err(GoProfileError::NotGzip)?;
    let p = Profile::decode(raw.as_slice()).map_err(|e| GoProfileError::NotPprof(e.into()))?;
    let string = |i: i64| p.string_table.get(i as usize).map_or("?", String::as_str);
    let count_at = p
        .sample_type
        .iter()
        .position(|t| string(t.ty) == "samples")
        .ok_or(GoProfileError::NoSamplesValue)?;
    let functions: std::collections::HashMap<u64, &str> =
        p.function.iter().map(|f| (f.id, string(f.name))).collect();
    let locations: std::collections::HashMap<u64, &pprof::protos::Location> =
        p.location.iter().map(|l| (l.id, l)).collect();
    let mut stacks = FoldedStacks::new();
    for s in &p.sample {
        let count = s.value.get(count_at).copied().unwrap_or(0);
        if count <= 0 {
            continue;
        }
        // Locations are leaf first; within a location, inlined functions
        // innermost first: reverse both for root-first order.
        let mut frames: Vec<&str> = Vec::new();
        for id in s.location_id.iter().rev() {
            let loc = locations
                .get(id)
                .ok_or(GoProfileError::UnknownLocation { id: *id })?;
            for line in loc.line.iter().rev() {
                frames.push(functions.get(&line.function_id).copied().unwrap_or("?"));
            }
        }
        if let Some(cut) = frames.iter().position(|f| *f == region_frame) {
            stacks.add(&frames[cut..], count as u64);
        }
    }
    Ok(stacks)
}

/// Renders the harness's profile of a cell into `report_dir/rel_dir`:
/// `folded.txt` and `flamegraph.svg` next to the profile the harness wrote
/// there as `profile.pb.gz`.
pub fn flamegraph(
    info: &ProfileInfo,
    report_dir: &Path,
    rel_dir: &str,
) -> Result<FlamegraphFigures, GoProfileError> {
    let gz = std::fs::read(&info.file).map_err(|source| GoProfileError::Read {
        path: info.file.clone(),
        source,
    })?;
    let stacks = region_stacks(&gz, &info.region_frame)?;
    let ms = info.region_ns / 1_000_000;
    if stacks.samples() == 0 {
        return Err(GoProfileError::NoRegionSamples {
            regions: info.regions,
            ms,
            hz: info.hz,
        });
    }
    let svg = render_svg(
        &stacks,
        rel_dir,
        &format!(
            "Go runtime/pprof: {} samples in {} regions over {ms} ms (asked at {} Hz, target {} samples); stacks cut at the measured region",
            stacks.samples(),
            info.regions,
            info.hz,
            info.samples_target
        ),
    )?;
    let dir = report_dir.join(rel_dir);
    write_atomic(&dir.join(FOLDED_FILE), stacks.to_text().as_bytes())?;
    write_atomic(&dir.join(SVG_FILE), &svg)?;
    let rel = |f: &str| format!("{}/{f}", rel_dir.trim_matches('/'));
    let samples = stacks.samples();
    Ok(FlamegraphFigures {
        svg: rel(SVG_FILE),
        folded: rel(FOLDED_FILE),
        pprof: rel(PPROF_FILE),
        samples,
        frequency_hz: info.hz,
        sampler:
            "Go runtime/pprof: the runtime's own SIGPROF profiler at runtime.SetCPUProfileRate"
                .into(),
        sampler_fallback: None,
        duration_ms: ms,
        wall_ms: info.wall_ns / 1_000_000,
        too_few_samples: samples < DEFAULT_MIN_SAMPLES,
        min_samples: DEFAULT_MIN_SAMPLES,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pprof::protos::{Function, Line, Location, Sample, ValueType};

    fn profile_gz() -> Vec<u8> {
        // Strings: 0 "", 1 samples, 2 count, 3 main, 4 region, 5 mapassign, 6 setup, 7 inlined
        let strings = [
            "",
            "samples",
            "count",
            "main",
            "harness.measuredRegion",
            "runtime.mapassign",
            "setup",
            "inlined",
        ];
        let func = |id: u64, name: i64| Function {
            id,
            name,
            ..Default::default()
        };
        let loc = |id: u64, fns: &[u64]| Location {
            id,
            line: fns
                .iter()
                .map(|&f| Line {
                    function_id: f,
                    line: 1,
                })
                .collect(),
            ..Default::default()
        };
        let p = Profile {
            sample_type: vec![ValueType { ty: 1, unit: 2 }, ValueType { ty: 2, unit: 2 }],
            sample: vec![
                // leaf first: mapassign (with an inlined frame), region, main
                Sample {
                    location_id: vec![3, 2, 1],
                    value: vec![5, 5000],
                    label: vec![],
                },
                // setup, main: outside the region
                Sample {
                    location_id: vec![4, 1],
                    value: vec![7, 7000],
                    label: vec![],
                },
            ],
            location: vec![loc(1, &[3]), loc(2, &[4]), loc(3, &[7, 5]), loc(4, &[6])],
            function: vec![func(3, 3), func(4, 4), func(5, 5), func(6, 6), func(7, 7)],
            string_table: strings.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &p.encode_to_vec()).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn region_samples_are_kept_root_first_and_cut_at_the_region() {
        let s = region_stacks(&profile_gz(), "harness.measuredRegion").unwrap();
        assert_eq!(s.samples(), 5);
        assert_eq!(
            s.lines(),
            ["harness.measuredRegion;runtime.mapassign;inlined 5"]
        );
        assert_eq!(
            region_stacks(&profile_gz(), "elsewhere").unwrap().samples(),
            0
        );
    }

    #[test]
    fn an_unreadable_profile_and_an_empty_region_read_as_before_they_were_typed() {
        let dir = tempfile::tempdir().unwrap();
        let mut info = ProfileInfo {
            file: dir.path().join("missing.pb.gz"),
            regions: 3,
            region_ns: 12_000_000,
            wall_ns: 20_000_000,
            hz: 500,
            region_frame: "elsewhere".into(),
            region_samples: 0,
            samples_target: 0,
            calibration_ns: 0,
        };
        let e = flamegraph(&info, dir.path(), "cells/a").unwrap_err();
        let read = std::fs::read(&info.file).unwrap_err();
        assert_eq!(
            crate::error::chain(&e),
            format!("{}: {read}", info.file.display())
        );
        info.file = dir.path().join("profile.pb.gz");
        std::fs::write(&info.file, profile_gz()).unwrap();
        let e = flamegraph(&info, dir.path(), "cells/a").unwrap_err();
        assert_eq!(
            crate::error::chain(&e),
            "no samples landed in the measured region: 3 regions ran 12 ms in total (sampling \
             asked at 500 Hz); raise budget.flamegraph_ms or read the callgrind lens"
        );
    }

    #[test]
    fn garbage_is_an_error() {
        let e = region_stacks(b"not gzip", "x").unwrap_err();
        assert!(matches!(e, GoProfileError::NotGzip(_)), "{e:?}");
        let chain = crate::error::chain(&e);
        assert!(
            chain.starts_with("the Go CPU profile is not gzip data: ") && chain.len() > 37,
            "{chain}"
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, b"\xff\xff\xff").unwrap();
        let e = region_stacks(&gz.finish().unwrap(), "x").unwrap_err();
        assert!(
            crate::error::chain(&e)
                .starts_with("the Go CPU profile is not a pprof protobuf: failed to decode"),
            "{e:?}"
        );
    }
}
