//! Captures the toolchain facts a report records (`mapamp::machine::toolchain`):
//! `rustc --version`, the target triple, the build profile, and the versions
//! `Cargo.lock` resolved for the crates whose behaviour shows in the figures.

use std::path::Path;
use std::process::Command;

/// Crates whose versions a report records: the maps and hashes under study,
/// and the tools that produce the figures.
const RECORDED_CRATES: [&str; 8] = [
    "hashbrown",
    "foldhash",
    "siphasher",
    "xxhash-rust",
    "criterion",
    "pprof",
    "inferno",
    "perf-event2",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-env-changed=RUSTC");

    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = Command::new(&rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| format!("unknown ({rustc} --version failed)"));
    println!("cargo:rustc-env=MAPAMP_RUSTC_VERSION={version}");

    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_string());
    println!("cargo:rustc-env=MAPAMP_TARGET={target}");
    println!("cargo:rustc-env=MAPAMP_BUILD_PROFILE={}", build_profile());

    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_string());
    let lock =
        std::fs::read_to_string(Path::new(&manifest_dir).join("Cargo.lock")).unwrap_or_default();
    let versions = recorded_versions(&lock);
    println!("cargo:rustc-env=MAPAMP_CRATE_VERSIONS={versions}");
}

/// The profile's output folder (`release`, `debug`, or a custom profile's
/// name), with the optimisation level when it is not that folder's default
/// (`cargo test` builds into `debug` but this crate's test profile is
/// `opt-level = 3`: that reads `debug (opt-level=3)`).
fn build_profile() -> String {
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    // OUT_DIR = <target>/[<triple>/]<profile>/build/<pkg>-<hash>/out
    let folder = Path::new(&out_dir)
        .ancestors()
        .nth(3)
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| std::env::var("PROFILE").unwrap_or_else(|_| "unknown".into()));
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let default_opt = match folder.as_str() {
        "debug" => "0",
        _ => "3",
    };
    if opt.is_empty() || opt == default_opt {
        folder
    } else {
        format!("{folder} (opt-level={opt})")
    }
}

/// `name=version,...` for [`RECORDED_CRATES`], resolved through the root
/// package's dependency list (which names the version when several are locked).
fn recorded_versions(lock: &str) -> String {
    let packages = lock_packages(lock);
    let root_deps: Vec<String> = packages
        .iter()
        .find(|p| p.name == "mapamp")
        .map(|p| p.dependencies.clone())
        .unwrap_or_default();
    let mut out = Vec::new();
    for name in RECORDED_CRATES {
        let pinned = root_deps.iter().find_map(|d| {
            let mut parts = d.split_whitespace();
            (parts.next() == Some(name)).then(|| parts.next().map(str::to_string))
        });
        let version = match pinned {
            Some(Some(v)) => Some(v),
            _ => packages
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.version.clone()),
        };
        if let Some(v) = version {
            out.push(format!("{name}={v}"));
        }
    }
    out.join(",")
}

/// One `[[package]]` of a `Cargo.lock`.
struct LockPackage {
    name: String,
    version: String,
    dependencies: Vec<String>,
}

/// The packages of a `Cargo.lock` (a line-based reading of its fixed layout).
fn lock_packages(lock: &str) -> Vec<LockPackage> {
    let mut packages = Vec::new();
    let mut in_deps = false;
    for line in lock.lines().map(str::trim) {
        if line == "[[package]]" {
            packages.push(LockPackage {
                name: String::new(),
                version: String::new(),
                dependencies: Vec::new(),
            });
            in_deps = false;
            continue;
        }
        let Some(p) = packages.last_mut() else {
            continue;
        };
        if in_deps {
            if line == "]" {
                in_deps = false;
            } else {
                p.dependencies
                    .push(line.trim_end_matches(',').trim_matches('"').to_string());
            }
        } else if let Some(v) = line.strip_prefix("name = ") {
            p.name = v.trim_matches('"').to_string();
        } else if let Some(v) = line.strip_prefix("version = ") {
            p.version = v.trim_matches('"').to_string();
        } else if line.starts_with("dependencies = [") {
            in_deps = !line.ends_with(']');
        }
    }
    packages
}
