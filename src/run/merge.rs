//! `mapamp merge OUT DIR…`: shard folders (`mapamp run --shard K/N`) joined
//! into one report folder.
//!
//! The inputs must be runs of the same profile (its text, byte for byte),
//! by the same build (mapamp version, rustc, target, cargo profile and
//! crate versions), of the same report schema and lenses; shards must not
//! overlap, and when the inputs say they are shards of N, all N must be
//! there. Anything else is refused before a byte is written, with the
//! folder and the figure that differ.
//!
//! The merged folder holds every input's `cells/` tree (flame graphs,
//! callgrind outputs, per-cell files), a `report.json` whose cells are in
//! profile order, the run's A/A noise floor computed again over all cells
//! (the same [`super::noise`] as a one-shot run), and the renderings.
//! `OUT` follows the rule of `mapamp run --out`: it must not exist or be an
//! empty folder; everything is staged beside it and moved in by one rename.

use super::shard::{Shard, ShardError};
use crate::profile::LensKind;
use crate::report::schema::{MergedRun, Report, Schedule};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Why shard folders could not be merged: the folder or figure to blame.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No input folder.
    #[error("mapamp merge: give the output folder and at least one report folder: mapamp merge OUT DIR...")]
    NoInputs,
    /// `OUT` is not a new or empty folder of ours.
    #[error("mapamp merge: OUT `{}` {refusal}; merge writes only into a new or empty folder (choose another OUT)", .out.display())]
    Out {
        /// `OUT`.
        out: PathBuf,
        /// What is wrong with it.
        refusal: OutRefusal,
    },
    /// An input folder without `report.json`.
    #[error("mapamp merge: no report.json in `{}`; give report folders written by `mapamp run` (e.g. with --shard K/N)", .dir.display())]
    NoReport {
        /// The input folder.
        dir: PathBuf,
    },
    /// An input's `report.json` could not be read.
    #[error(transparent)]
    Read(#[from] crate::limits::ReadError),
    /// An input's `report.json` is not a report this mapamp reads.
    #[error("mapamp merge: `{}`", .path.display())]
    Report {
        /// The `report.json`.
        path: PathBuf,
        /// Why.
        #[source]
        source: crate::compare::ParseReportError,
    },
    /// Two inputs are not of one run of one profile by one build.
    #[error("mapamp merge: cannot merge `{}` and `{}`: their {what} differ ({x} vs {y}); merge only shards of one run of one profile by one build", .a.display(), .b.display())]
    Differ {
        /// The first input.
        a: PathBuf,
        /// The input that differs.
        b: PathBuf,
        /// What differs.
        what: &'static str,
        /// The first input's value.
        x: String,
        /// The other input's value.
        y: String,
    },
    /// A cell is in two inputs.
    #[error("mapamp merge: cell `{cell}` is in both `{}` and `{}`; the folders overlap (merge each shard once)", .first.display(), .second.display())]
    Overlap {
        /// The cell's id.
        cell: String,
        /// The first folder holding it.
        first: PathBuf,
        /// The second.
        second: PathBuf,
    },
    /// An input's `run.shard` is not `K/N`.
    #[error("`{}`", .dir.display())]
    BadShard {
        /// The input folder.
        dir: PathBuf,
        /// The shard text's error.
        #[source]
        source: ShardError,
    },
    /// One input is not a shard run and the others are.
    #[error("mapamp merge: `{}` is not a shard run but the others are shards of {n}; merge the shards 1/{n} … {n}/{n} only", .dir.display())]
    NotAShard {
        /// The input folder.
        dir: PathBuf,
        /// The others' N.
        n: usize,
    },
    /// Shards of different splits.
    #[error("mapamp merge: `{}` is shard {shard}, the others are shards of {n}; merge shards of one split", .dir.display())]
    OtherSplit {
        /// The input folder.
        dir: PathBuf,
        /// Its shard.
        shard: Shard,
        /// The others' N.
        n: usize,
    },
    /// A shard given twice.
    #[error("mapamp merge: shard {shard} is given twice (`{}`); give each shard once", .dir.display())]
    Twice {
        /// The shard.
        shard: Shard,
        /// The second folder giving it.
        dir: PathBuf,
    },
    /// Shards of the split are missing.
    #[error("mapamp merge: shard {} missing; give all {n} shard folders", .missing.join(", "))]
    Missing {
        /// The missing shards, `K/N`.
        missing: Vec<String>,
        /// N.
        n: usize,
    },
    /// The profile text recorded in the first report does not parse.
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// A lens name recorded in the first report is unknown.
    #[error(transparent)]
    Lens(#[from] crate::names::UnknownName),
    /// The runtime-evolution section could not be computed.
    #[error(transparent)]
    Evolution(#[from] super::evolution::EvolutionError),
    /// `OUT` ends in no folder name.
    #[error("mapamp merge: OUT `{}` has no folder name", .out.display())]
    NoFolderName {
        /// `OUT`.
        out: PathBuf,
    },
    /// A file or folder could not be read, created, copied or moved.
    #[error("{}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The merged report or its renderings could not be written.
    #[error(transparent)]
    Fs(#[from] crate::fsutil::FsError),
    /// Two inputs hold the same file under `cells/`.
    #[error("mapamp merge: {} would overwrite a file another input already gave", .path.display())]
    WouldOverwrite {
        /// The file in the merged folder.
        path: PathBuf,
    },
    /// Something under `cells/` that is not a file or folder.
    #[error("mapamp merge: {} is not a file or folder; a run folder holds none such", .path.display())]
    NotFileOrFolder {
        /// The input's path.
        path: PathBuf,
    },
}

/// What is wrong with `OUT` (the sentence after its name).
#[derive(Debug, thiserror::Error)]
pub enum OutRefusal {
    /// It is no folder: a symbolic link, a file, or not to be examined.
    #[error(transparent)]
    NotAFolder(#[from] crate::fsutil::NotAFolder),
    /// It could not be made absolute (the OS error, in the message).
    #[error("cannot be resolved: {0}")]
    Resolve(std::io::Error),
    /// It is one of the inputs.
    #[error("is also one of the folders to merge")]
    IsAnInput,
    /// It could not be listed (the OS error, in the message).
    #[error("cannot be read: {0}")]
    List(std::io::Error),
    /// It holds files.
    #[error("exists and is not empty")]
    NotEmpty,
}

/// `MergeError::Io` for `path` as a `map_err` closure.
fn io(path: &Path) -> impl FnOnce(std::io::Error) -> MergeError + '_ {
    move |source| MergeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One input: its folder and report.
struct Input {
    dir: PathBuf,
    report: Report,
}

/// Merges the report folders `dirs` into `out`; returns the number of cells.
pub fn merge(out: &Path, dirs: &[PathBuf], command: &str) -> Result<usize, MergeError> {
    if dirs.is_empty() {
        return Err(MergeError::NoInputs);
    }
    check_out(out, dirs)?;
    let inputs = dirs
        .iter()
        .map(|d| read_input(d))
        .collect::<Result<Vec<_>, _>>()?;
    check_same_run(&inputs)?;
    check_shards(&inputs)?;
    let report = merged_report(out, &inputs, command)?;
    publish(out, &inputs, &report)?;
    Ok(report.cells.len())
}

/// `OUT` must not exist, or be an empty folder (not a symbolic link), and
/// must not be one of the inputs.
fn check_out(out: &Path, dirs: &[PathBuf]) -> Result<(), MergeError> {
    let refuse = |refusal: OutRefusal| MergeError::Out {
        out: out.to_path_buf(),
        refusal,
    };
    if !crate::fsutil::existing_folder(out).map_err(|e| refuse(e.into()))? {
        return Ok(());
    }
    let abs = std::fs::canonicalize(out).map_err(|e| refuse(OutRefusal::Resolve(e)))?;
    if dirs
        .iter()
        .any(|d| std::fs::canonicalize(d).is_ok_and(|d| d == abs))
    {
        return Err(refuse(OutRefusal::IsAnInput));
    }
    let mut entries = std::fs::read_dir(out).map_err(|e| refuse(OutRefusal::List(e)))?;
    if entries.next().is_some() {
        return Err(refuse(OutRefusal::NotEmpty));
    }
    Ok(())
}

fn read_input(dir: &Path) -> Result<Input, MergeError> {
    let path = dir.join("report.json");
    if !path.is_file() {
        return Err(MergeError::NoReport {
            dir: dir.to_path_buf(),
        });
    }
    let text = crate::limits::read_text(&path, "report", crate::limits::MAX_REPORT_BYTES)?;
    let report = crate::compare::parse_report(&text).map_err(|source| MergeError::Report {
        path: path.clone(),
        source,
    })?;
    Ok(Input {
        dir: dir.to_path_buf(),
        report,
    })
}

/// Refuses inputs of different schemas, profiles, builds or lenses.
fn check_same_run(inputs: &[Input]) -> Result<(), MergeError> {
    let first = &inputs[0];
    for other in &inputs[1..] {
        let (a, b) = (&first.report, &other.report);
        let differ = |what: &'static str, x: &dyn std::fmt::Debug, y: &dyn std::fmt::Debug| {
            MergeError::Differ {
                a: first.dir.clone(),
                b: other.dir.clone(),
                what,
                x: format!("{x:?}"),
                y: format!("{y:?}"),
            }
        };
        if a.schema_version != b.schema_version {
            return Err(differ(
                "report schema versions",
                &a.schema_version,
                &b.schema_version,
            ));
        }
        if a.run.profile != b.run.profile || a.run.profile_toml != b.run.profile_toml {
            let (x, y) = if a.run.profile != b.run.profile {
                (a.run.profile.clone(), b.run.profile.clone())
            } else {
                (
                    format!("{} (other text)", a.run.profile),
                    format!("{} (other text)", b.run.profile),
                )
            };
            return Err(differ("profiles", &x, &y));
        }
        if a.mapamp_version != b.mapamp_version {
            return Err(differ(
                "builds (mapamp versions)",
                &a.mapamp_version,
                &b.mapamp_version,
            ));
        }
        if a.toolchain != b.toolchain {
            return Err(differ(
                "builds (toolchains)",
                &format!(
                    "{} {} {}",
                    a.toolchain.rustc, a.toolchain.target, a.toolchain.build_profile
                ),
                &format!(
                    "{} {} {}",
                    b.toolchain.rustc, b.toolchain.target, b.toolchain.build_profile
                ),
            ));
        }
        if a.run.lenses != b.run.lenses {
            return Err(differ("lenses", &a.run.lenses, &b.run.lenses));
        }
    }
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for i in inputs {
        for c in &i.report.cells {
            if let Some(prev) = seen.insert(&c.id, &i.dir) {
                return Err(MergeError::Overlap {
                    cell: c.id.clone(),
                    first: prev.to_path_buf(),
                    second: i.dir.clone(),
                });
            }
        }
    }
    Ok(())
}

/// When the inputs are shards, they must be shards of one N, each once,
/// all N of them (a merge with a shard missing would be a partial report).
fn check_shards(inputs: &[Input]) -> Result<(), MergeError> {
    let shards: Vec<Option<Shard>> = inputs
        .iter()
        .map(|i| {
            i.report
                .run
                .shard
                .as_deref()
                .map(|s| {
                    Shard::parse(s).map_err(|source| MergeError::BadShard {
                        dir: i.dir.clone(),
                        source,
                    })
                })
                .transpose()
        })
        .collect::<Result<_, _>>()?;
    if shards.iter().all(Option::is_none) {
        return Ok(());
    }
    let Some(n) = shards.iter().flatten().map(|s| s.n).next() else {
        return Ok(());
    };
    let mut ks = BTreeSet::new();
    for (i, s) in inputs.iter().zip(&shards) {
        match s {
            None => {
                return Err(MergeError::NotAShard {
                    dir: i.dir.clone(),
                    n,
                })
            }
            Some(s) if s.n != n => {
                return Err(MergeError::OtherSplit {
                    dir: i.dir.clone(),
                    shard: *s,
                    n,
                })
            }
            Some(s) => {
                if !ks.insert(s.k) {
                    return Err(MergeError::Twice {
                        shard: *s,
                        dir: i.dir.clone(),
                    });
                }
            }
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| !ks.contains(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing { missing, n });
    }
    Ok(())
}

fn merged_report(out: &Path, inputs: &[Input], command: &str) -> Result<Report, MergeError> {
    let first = &inputs[0].report;
    // Cells in profile order (the order a one-shot run writes).
    let profile = crate::profile::parse(
        &format!(
            "{} (profile_toml)",
            inputs[0].dir.join("report.json").display()
        ),
        &first.run.profile,
        &first.run.profile_toml,
    )?;
    let order: BTreeMap<String, usize> = profile
        .cells()
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id().to_string(), i))
        .collect();
    let mut cells: Vec<_> = inputs
        .iter()
        .flat_map(|i| i.report.cells.iter().cloned())
        .collect();
    cells.sort_by_key(|c| order.get(&c.id).copied().unwrap_or(usize::MAX));
    let lenses = first
        .run
        .lenses
        .iter()
        .map(|l| LensKind::parse(l))
        .collect::<Result<Vec<_>, _>>()?;
    let noise = super::noise::noise_floor(&cells, &lenses);
    let findings = super::findings::findings(&cells, &noise);
    let evolution = super::evolution::evolution(&cells)?;
    let mut run = first.run.clone();
    run.name = out
        .file_name()
        .map_or("report".into(), |n| n.to_string_lossy().into_owned());
    run.started_at = inputs
        .iter()
        .map(|i| i.report.run.started_at.clone())
        .min()
        .unwrap_or_default();
    run.finished_at = inputs
        .iter()
        .map(|i| i.report.run.finished_at.clone())
        .max()
        .unwrap_or_default();
    run.command = command.to_string();
    run.schedule = Schedule {
        order: format!(
            "{} within each merged run (see run.merged_from for each one's seed)",
            first.run.schedule.order
        ),
        ..first.run.schedule.clone()
    };
    run.load_average = None;
    run.shard = None;
    run.merged_from = inputs
        .iter()
        .map(|i| MergedRun {
            folder: i.dir.display().to_string(),
            shard: i.report.run.shard.clone(),
            cells: i.report.cells.len(),
            started_at: i.report.run.started_at.clone(),
            finished_at: i.report.run.finished_at.clone(),
            schedule_seed: i.report.run.schedule.seed,
            cpu: format!(
                "{} ({} logical CPUs)",
                i.report.machine.cpu_model, i.report.machine.cores
            ),
            load_average: i.report.run.load_average.clone(),
        })
        .collect();
    Ok(Report {
        schema_version: first.schema_version,
        mapamp_version: first.mapamp_version.clone(),
        run,
        machine: first.machine.clone(),
        toolchain: first.toolchain.clone(),
        cells,
        claims: inputs.iter().find_map(|i| i.report.claims.clone()),
        noise,
        findings,
        evolution,
    })
}

/// Copies every input's `cells/` tree and writes the report into a staging
/// folder beside `out`, then renames it into place.
fn publish(out: &Path, inputs: &[Input], report: &Report) -> Result<(), MergeError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = out.file_name().ok_or_else(|| MergeError::NoFolderName {
        out: out.to_path_buf(),
    })?;
    let staging = parent.join(format!(
        ".{}.merge-staging.{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        for i in inputs {
            let cells = i.dir.join("cells");
            if cells.is_dir() {
                copy_tree(&cells, &staging.join("cells"))?;
            }
        }
        crate::fsutil::write_json_atomic(&staging.join("report.json"), report)?;
        crate::report::write_renderings(&staging, report)?;
        if out.is_dir() {
            // Checked empty before: remove it so the rename can take its place.
            std::fs::remove_dir(out).map_err(io(out))?;
        }
        std::fs::rename(&staging, out).map_err(io(out))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Copies a folder tree (regular files and folders; symbolic links, which
/// `mapamp run` never writes, are refused).
fn copy_tree(from: &Path, to: &Path) -> Result<(), MergeError> {
    std::fs::create_dir_all(to).map_err(io(to))?;
    for e in std::fs::read_dir(from).map_err(io(from))? {
        let e = e.map_err(io(from))?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let kind = e.file_type().map_err(io(&src))?;
        if kind.is_dir() {
            copy_tree(&src, &dst)?;
        } else if kind.is_file() {
            if dst.exists() {
                return Err(MergeError::WouldOverwrite { path: dst });
            }
            std::fs::copy(&src, &dst).map_err(io(&src))?;
        } else {
            return Err(MergeError::NotFileOrFolder { path: src });
        }
    }
    Ok(())
}
