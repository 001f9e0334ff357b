//! A bench target whose tool is missing (the gungraun runner, valgrind, a
//! hardware PMU, a Go toolchain) does not fail `cargo bench`: it prints one
//! notice — what is missing, what it would have measured, the one command
//! that installs it — writes the same text into its output folder, and
//! exits 0 so the targets after it still run.
//!
//! `MAPAMP_BENCH_STRICT=1` turns the notice into a failure (exit 1): CI sets
//! it where the tool must be there, so a missing tool cannot pass unseen.

use std::path::{Path, PathBuf};

/// The environment variable that makes a missing tool an error.
pub const STRICT_ENV: &str = "MAPAMP_BENCH_STRICT";

/// A tool a bench target cannot run without.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingTool {
    /// The bench target (`instructions`, `copy_paths`, ...).
    pub bench: String,
    /// What is missing, and why it counts as missing.
    pub missing: String,
    /// What the bench would have measured with it.
    pub would_measure: String,
    /// The one command that installs it, or what to do where nothing can be installed.
    pub install: String,
}

impl MissingTool {
    /// The notice, as printed and as written to the output file.
    pub fn text(&self) -> String {
        format!(
            "mapamp bench `{}`: NOT RUN: {}\n  would have measured: {}\n  install: {}\n",
            self.bench, self.missing, self.would_measure, self.install
        )
    }

    /// Prints the notice to stderr, writes it to `notice_file`, and exits:
    /// 0, or 1 under `MAPAMP_BENCH_STRICT=1`.
    pub fn exit(&self, notice_file: &Path) -> ! {
        let text = self.text();
        eprint!("{text}");
        match mapamp::fsutil::write_atomic(notice_file, text.as_bytes()) {
            Ok(()) => eprintln!("  (notice written to {})", notice_file.display()),
            Err(e) => eprintln!("  (could not write {}: {e})", notice_file.display()),
        }
        if strict() {
            eprintln!(
                "mapamp bench `{}`: {STRICT_ENV}=1, so this is an error",
                self.bench
            );
            std::process::exit(1);
        }
        std::process::exit(0);
    }
}

/// Whether `MAPAMP_BENCH_STRICT` asks for missing tools to fail.
pub fn strict() -> bool {
    std::env::var(STRICT_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Removes the notice a previous run left, once the tool is there.
pub fn clear(notice_file: &Path) {
    match std::fs::remove_file(notice_file) {
        Ok(()) => eprintln!(
            "mapamp bench: removed the stale notice {}",
            notice_file.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => eprintln!(
            "mapamp bench: could not remove the stale notice {}: {e}",
            notice_file.display()
        ),
    }
}

/// `<tool home>/NOTICE-<bench>.txt` under the cargo target folder, where
/// `tool_home` is the tool's output folder there (`criterion`, `gungraun`).
pub fn notice_file(tool_home: &str, bench: &str) -> PathBuf {
    target_dir()
        .join(tool_home)
        .join(format!("NOTICE-{bench}.txt"))
}

/// The cargo target folder: `CARGO_TARGET_DIR`, else the folder above this
/// executable's `<profile>/deps/`, else `target/` of the package.
pub fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let deps = exe.parent()?;
            (deps.file_name()? == "deps").then(|| deps.parent()?.parent().map(Path::to_path_buf))?
        })
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}
