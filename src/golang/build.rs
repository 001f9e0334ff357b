//! Building the Go harness: the one place mapamp runs `go build`.
//!
//! [`harness_binary`] builds `go/cmd/mapamp-go` with a release's toolchain
//! into `<target>/go/<release>/mapamp-go` and caches it: a stamp file next
//! to the binary holds a hash of the toolchain's release and of every
//! source file of the Go module (`go.mod`, `*.go`, `*.s`, the `tools`
//! module excluded), and a binary whose stamp matches is reused. The build
//! goes to a temporary name first and is renamed into place, so processes
//! building at the same time never see half a binary.

use super::toolchain::Toolchain;
use crate::fsutil;
use std::path::{Path, PathBuf};

/// The repository's Go module.
pub fn go_module_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("go")
}

/// Cargo's target folder (`CARGO_TARGET_DIR`, else `target/` of the crate).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Why a Go binary could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The Go module is not where the crate was built from.
    #[error("the Go harness sources are not at {} (mapamp runs real-Go cells from its source tree)", .src.display())]
    NoSources {
        /// The module's folder.
        src: PathBuf,
    },
    /// A source or output path could not be read, created or renamed.
    #[error("{}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// `go build` could not be started.
    #[error("cannot run {}", .go.display())]
    CannotRun {
        /// The `go` command.
        go: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// `go build` failed.
    #[error("`go build {pkg}` with {version} failed ({status}): {stderr}")]
    Failed {
        /// The package.
        pkg: String,
        /// The toolchain's release.
        version: String,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// Its standard error, trimmed.
        stderr: String,
    },
    /// The stamp file could not be written.
    #[error(transparent)]
    Fs(#[from] fsutil::FsError),
}

/// `BuildError::Io` for `path` as a `map_err` closure.
fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The harness binary for `tc`'s release, built if missing or stale.
pub fn harness_binary(tc: &Toolchain) -> Result<PathBuf, BuildError> {
    build_package(tc, &go_module_dir(), "./cmd/mapamp-go", "mapamp-go")
}

/// A tool of the tools module (`go/tools`, its dependencies pinned in its
/// go.sum: benchstat, benchcheck), built with `tc`; the first build fetches
/// the module's dependencies through the Go module proxy.
pub fn tool_binary(tc: &Toolchain, pkg: &str, name: &str) -> Result<PathBuf, BuildError> {
    build_package(tc, &go_module_dir().join("tools"), pkg, name)
}

/// Builds package `pkg` of the Go module in `src` with `tc` into
/// `<target>/go/<release>/<name>`, unless the cached binary is current.
pub fn build_package(
    tc: &Toolchain,
    src: &Path,
    pkg: &str,
    name: &str,
) -> Result<PathBuf, BuildError> {
    let src = src.to_path_buf();
    if !src.join("go.mod").is_file() {
        return Err(BuildError::NoSources { src });
    }
    let dir = target_dir().join("go").join(tc.release.name());
    let bin = dir.join(name);
    let stamp_file = dir.join(format!("{name}.stamp"));
    let stamp = format!("{} {} {:016x}\n", tc.version, pkg, sources_hash(&src)?);
    if bin.is_file() && std::fs::read_to_string(&stamp_file).ok().as_deref() == Some(&stamp) {
        return Ok(bin);
    }
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    // Unique per build: threads of one process may build at the same time.
    static BUILDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nth = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{nth}.tmp", std::process::id()));
    // `-trimpath`: no checkout path in the binary, so Go's build cache,
    // which keys compiled packages by their source path, serves every clone
    // of the repository (docs/speed.md, "Go's build cache and -trimpath").
    let out = tc
        .command()
        .current_dir(&src)
        .args(["build", "-trimpath", "-o"])
        .arg(&tmp)
        .arg(pkg)
        .output()
        .map_err(|source| BuildError::CannotRun {
            go: tc.go.clone(),
            source,
        })?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&tmp);
        return Err(BuildError::Failed {
            pkg: pkg.to_string(),
            version: tc.version.clone(),
            status: out.status,
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    std::fs::rename(&tmp, &bin).map_err(io(&bin))?;
    fsutil::write_atomic(&stamp_file, stamp.as_bytes())?;
    Ok(bin)
}

/// A hash of the Go module's sources (paths and contents, in path order).
fn sources_hash(root: &Path) -> Result<u64, BuildError> {
    let mut files = Vec::new();
    collect_sources(root, root, &mut files)?;
    files.sort();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for rel in &files {
        let data = std::fs::read(root.join(rel)).map_err(io(rel))?;
        h.update(rel.to_string_lossy().as_bytes());
        h.update(&(data.len() as u64).to_le_bytes());
        h.update(&data);
    }
    Ok(h.digest())
}

fn collect_sources(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), BuildError> {
    let entries = std::fs::read_dir(dir).map_err(io(dir))?;
    for e in entries {
        let e = e.map_err(io(dir))?;
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            // A folder with a go.mod is a module of its own (tools);
            // testdata is not built.
            if !path.join("go.mod").is_file() && name != "testdata" && !name.starts_with('.') {
                collect_sources(root, &path, out)?;
            }
        } else if name == "go.mod"
            || name == "go.sum"
            || name.ends_with(".go")
            || name.ends_with(".s")
        {
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sources_hash_covers_the_module_and_is_stable() {
        let root = go_module_dir();
        let mut files = Vec::new();
        collect_sources(&root, &root, &mut files).unwrap();
        assert!(files.iter().any(|f| f.ends_with("go.mod")));
        assert!(files.iter().any(|f| f.ends_with("cmd/mapamp-go/main.go")));
        assert!(!files.iter().any(|f| f.starts_with("tools")));
        assert_eq!(sources_hash(&root).unwrap(), sources_hash(&root).unwrap());
    }
}
