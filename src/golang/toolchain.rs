//! The Go releases mapamp runs cells on, and finding their toolchains.
//!
//! | release | map design | toolchain looked for | if missing |
//! |---|---|---|---|
//! | `go1.19` | classic (buckets, overflow chains) | `/usr/lib/go-1.19/bin/go`, else a `go` on `PATH` reporting go1.19 | `apt-get install -y golang-1.19-go` |
//! | `go1.26` | Swiss tables | a `go` on `PATH` (or `/usr/local/go/bin/go`) reporting go1.26 | install Go 1.26 from go.dev/dl onto `PATH` |
//! | `go1.27` | Swiss tables | `GOTOOLCHAIN=go1.27.3` with a `go` >= 1.21 on `PATH` (fetched through the Go module proxy) | network access to proxy.golang.org, or the toolchain in the module cache |
//! | `go1.27split` | Swiss tables, a group's keys then its values | as `go1.27`, plus `GOEXPERIMENT=mapsplitgroup` | as `go1.27` |
//!
//! `MAPAMP_GO119`, `MAPAMP_GO126` and `MAPAMP_GO127` override the `go`
//! command used for a release (a path; for go1.27 and go1.27split the `go`
//! that runs with `GOTOOLCHAIN=go1.27.3`). Every `go` command mapamp runs
//! has `GOTOOLCHAIN` and `GOEXPERIMENT` set (empty but for go1.27split), so
//! neither a go.mod nor the caller's environment changes the release or the
//! map layout it builds.

use std::path::{Path, PathBuf};
use std::process::Command;

pub use crate::goconfig::{GoRelease, MapDesign, GO127_TOOLCHAIN, SPLIT_EXPERIMENT};

/// A toolchain found for a release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toolchain {
    /// The release.
    pub release: GoRelease,
    /// The `go` command.
    pub go: PathBuf,
    /// Environment every `go` call of this toolchain gets (`GOTOOLCHAIN`,
    /// `GOEXPERIMENT`).
    pub env: Vec<(String, String)>,
    /// `go version`'s release, e.g. `go1.19.8`.
    pub version: String,
}

impl Toolchain {
    /// A `go` command with the toolchain's environment.
    pub fn command(&self) -> Command {
        let mut c = Command::new(&self.go);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }
}

/// No toolchain of a release: each `go` tried and why it does not serve,
/// and how to get one.
#[derive(Debug, thiserror::Error)]
#[error("no {release} toolchain ({}); {}", join(.tried), how(*.release, .overridden.as_deref()))]
pub struct NoToolchain {
    /// The release asked for.
    pub release: GoRelease,
    /// Each `go` tried, in order, and why it does not serve.
    pub tried: Vec<GoTried>,
    /// The `MAPAMP_GO…` override, when set.
    pub overridden: Option<PathBuf>,
}

/// Why one `go` command does not serve a release.
#[derive(Debug, thiserror::Error)]
pub enum GoTried {
    /// It runs another release.
    #[error("{} reports {version}", .go.display())]
    OtherRelease {
        /// The `go` command.
        go: PathBuf,
        /// The release it reports.
        version: String,
    },
    /// It does not exist.
    #[error("{} not found", .go.display())]
    NotFound {
        /// The `go` command.
        go: PathBuf,
    },
    /// It could not be started (the OS error, in the message: the tries
    /// are listed in one sentence).
    #[error("cannot run {}: {error}", .go.display())]
    CannotRun {
        /// The `go` command.
        go: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// `go version` failed.
    #[error("`{} version` failed ({status}): {last_line}", .go.display())]
    Failed {
        /// The `go` command.
        go: PathBuf,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// The last line of its standard error.
        last_line: String,
    },
    /// `go version` printed no release.
    #[error("{} printed no Go release", .go.display())]
    NoRelease {
        /// The `go` command.
        go: PathBuf,
    },
}

fn join(tried: &[GoTried]) -> String {
    tried
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn how(release: GoRelease, overridden: Option<&Path>) -> String {
    match overridden {
        Some(p) => format!(
            "{} points to {}; unset it or point it to a {} `go`; {}",
            release.override_var(),
            p.display(),
            release,
            release.install_hint()
        ),
        None => release.install_hint().to_string(),
    }
}

/// Finds the toolchain of `release`, or says why there is none and how to
/// get it.
pub fn find(release: GoRelease) -> Result<Toolchain, NoToolchain> {
    find_from(
        release,
        std::env::var_os(release.override_var()).map(PathBuf::from),
    )
}

/// [`find`] with the override given instead of read from the environment.
pub fn find_from(
    release: GoRelease,
    overridden: Option<PathBuf>,
) -> Result<Toolchain, NoToolchain> {
    let env = vec![
        (
            "GOTOOLCHAIN".to_string(),
            match release {
                GoRelease::Go127 | GoRelease::Go127Split => GO127_TOOLCHAIN.to_string(),
                _ => "local".to_string(),
            },
        ),
        // A toolchain without the experiment fails `go version` ("unknown
        // GOEXPERIMENT"), which makes the release unavailable with that reason.
        (
            "GOEXPERIMENT".to_string(),
            release.goexperiment().to_string(),
        ),
    ];
    let candidates: Vec<PathBuf> = match (&overridden, release) {
        (Some(p), _) => vec![p.clone()],
        (None, GoRelease::Go119) => vec!["/usr/lib/go-1.19/bin/go".into(), "go".into()],
        (None, GoRelease::Go126) => vec!["go".into(), "/usr/local/go/bin/go".into()],
        (None, GoRelease::Go127 | GoRelease::Go127Split) => {
            vec!["go".into(), "/usr/local/go/bin/go".into()]
        }
    };
    let mut tried = Vec::new();
    for go in candidates {
        match go_version(&go, &env) {
            Ok(v) if release_matches(release, &v) => {
                return Ok(Toolchain {
                    release,
                    go,
                    env,
                    version: v,
                })
            }
            Ok(version) => tried.push(GoTried::OtherRelease { go, version }),
            Err(e) => tried.push(e),
        }
    }
    Err(NoToolchain {
        release,
        tried,
        overridden,
    })
}

/// Whether `go version`'s release `v` (e.g. `go1.26.8`) is `release`.
pub fn release_matches(release: GoRelease, v: &str) -> bool {
    match release {
        GoRelease::Go127 | GoRelease::Go127Split => v == GO127_TOOLCHAIN,
        r => v == r.name() || v.starts_with(&format!("{}.", r.name())),
    }
}

/// The release `go version` reports (`go1.19.8`), or why it cannot run.
fn go_version(go: &Path, env: &[(String, String)]) -> Result<String, GoTried> {
    let mut c = Command::new(go);
    c.arg("version");
    for (k, v) in env {
        c.env(k, v);
    }
    let go_ = || go.to_path_buf();
    let out = c.output().map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => GoTried::NotFound { go: go_() },
        _ => GoTried::CannotRun { go: go_(), error },
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(GoTried::Failed {
            go: go_(),
            status: out.status,
            last_line: err.trim().lines().last().unwrap_or("").to_string(),
        });
    }
    parse_go_version(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| GoTried::NoRelease { go: go_() })
}

/// The release in `go version` output: `go version go1.19.8 linux/amd64`
/// gives `go1.19.8`.
pub fn parse_go_version(s: &str) -> Option<String> {
    s.split_whitespace()
        .find(|w| w.starts_with("go1"))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_parsed_and_matched() {
        assert_eq!(
            parse_go_version("go version go1.19.8 linux/amd64\n").as_deref(),
            Some("go1.19.8")
        );
        assert_eq!(parse_go_version("nothing here"), None);
        assert!(release_matches(GoRelease::Go119, "go1.19.8"));
        assert!(release_matches(GoRelease::Go119, "go1.19"));
        assert!(!release_matches(GoRelease::Go119, "go1.190"));
        assert!(release_matches(GoRelease::Go126, "go1.26.8"));
        assert!(!release_matches(GoRelease::Go126, "go1.27.3"));
        assert!(release_matches(GoRelease::Go127, "go1.27.3"));
        assert!(!release_matches(GoRelease::Go127, "go1.27.2"));
        assert!(release_matches(GoRelease::Go127Split, "go1.27.3"));
        assert!(!release_matches(GoRelease::Go127Split, "go1.26.8"));
    }

    #[test]
    fn only_the_split_release_builds_with_the_experiment() {
        for r in GoRelease::ALL {
            let tc = find_from(r, Some("/nonexistent/go".into()))
                .unwrap_err()
                .to_string();
            assert!(tc.contains(r.name()), "{tc}");
            let want = if r == GoRelease::Go127Split {
                "mapsplitgroup"
            } else {
                ""
            };
            assert_eq!(r.goexperiment(), want, "{r}");
        }
        assert_eq!(GoRelease::Go127Split.name(), "go1.27split");
        assert_eq!(GoRelease::Go127Split.override_var(), "MAPAMP_GO127");
    }

    #[test]
    fn a_missing_toolchain_says_how_to_get_it() {
        // An override that does not exist stands for a machine without it.
        let e = find_from(GoRelease::Go119, Some("/nonexistent/go".into()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/go not found"), "{e}");
        assert!(e.contains("MAPAMP_GO119"), "{e}");
        assert!(GoRelease::Go119
            .install_hint()
            .contains("apt-get install -y golang-1.19-go"));
    }

    #[test]
    fn designs_follow_the_release() {
        assert_eq!(GoRelease::Go119.design(), MapDesign::Classic);
        assert_eq!(GoRelease::Go126.design(), MapDesign::Swiss);
        assert_eq!(GoRelease::Go127.design(), MapDesign::Swiss);
        assert_eq!(GoRelease::Go127Split.design(), MapDesign::Swiss);
    }
}
