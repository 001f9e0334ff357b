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

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;
use strum::VariantArray;

/// A Go release mapamp can run cells on.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::Display,
)]
pub enum GoRelease {
    /// Go 1.19: the classic map.
    #[strum(serialize = "go1.19")]
    Go119,
    /// Go 1.26: the Swiss-table map.
    #[strum(serialize = "go1.26")]
    Go126,
    /// Go 1.27 (GOTOOLCHAIN=go1.27.3): the Swiss-table map.
    #[strum(serialize = "go1.27")]
    Go127,
    /// Go 1.27 with `GOEXPERIMENT=mapsplitgroup`: the Swiss-table map whose
    /// groups hold their 8 keys, then their 8 values.
    #[strum(serialize = "go1.27split")]
    Go127Split,
}

/// The map design of a Go release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MapDesign {
    /// Buckets of 8 with overflow chains, incremental evacuation (Go <= 1.23).
    Classic,
    /// Swiss tables in a directory, one table grown at a time (Go >= 1.24).
    Swiss,
}

/// The exact release `GOTOOLCHAIN` asks for as `go1.27` (and `go1.27split`).
pub const GO127_TOOLCHAIN: &str = "go1.27.3";

/// The experiment `go1.27split` builds with (Go 1.27's
/// `internal/goexperiment.MapSplitGroup`).
pub const SPLIT_EXPERIMENT: &str = "mapsplitgroup";

impl GoRelease {
    /// Every release, oldest first.
    pub const ALL: [GoRelease; 4] = crate::names::all(GoRelease::VARIANTS);

    /// The variant name (`go1.19`, ...), as Go's `go version` prints the release.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The map design of the release.
    pub fn design(self) -> MapDesign {
        match self {
            GoRelease::Go119 => MapDesign::Classic,
            GoRelease::Go126 | GoRelease::Go127 | GoRelease::Go127Split => MapDesign::Swiss,
        }
    }

    /// The environment variable that overrides the `go` command used.
    pub fn override_var(self) -> &'static str {
        match self {
            GoRelease::Go119 => "MAPAMP_GO119",
            GoRelease::Go126 => "MAPAMP_GO126",
            GoRelease::Go127 | GoRelease::Go127Split => "MAPAMP_GO127",
        }
    }

    /// What to do when the toolchain is missing.
    pub fn install_hint(self) -> &'static str {
        match self {
            GoRelease::Go119 => "install it with: apt-get install -y golang-1.19-go (Debian 12; it lands in /usr/lib/go-1.19/bin)",
            GoRelease::Go126 => "install Go 1.26 from https://go.dev/dl/ (e.g. into /usr/local/go) and put its bin folder on PATH",
            GoRelease::Go127 | GoRelease::Go127Split => "it is fetched by `GOTOOLCHAIN=go1.27.3 go version` through the Go module proxy (about 76 MB); that needs a go >= 1.21 on PATH and network access to proxy.golang.org",
        }
    }

    /// The `GOEXPERIMENT` every `go` command of the release runs with
    /// (empty: none, whatever the caller's environment says).
    pub fn goexperiment(self) -> &'static str {
        match self {
            GoRelease::Go127Split => SPLIT_EXPERIMENT,
            _ => "",
        }
    }
}

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

/// Finds the toolchain of `release`, or says why there is none and how to
/// get it.
pub fn find(release: GoRelease) -> Result<Toolchain, String> {
    find_from(
        release,
        std::env::var_os(release.override_var()).map(PathBuf::from),
    )
}

/// [`find`] with the override given instead of read from the environment.
pub fn find_from(release: GoRelease, overridden: Option<PathBuf>) -> Result<Toolchain, String> {
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
    let mut seen = Vec::new();
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
            Ok(v) => seen.push(format!("{} reports {v}", go.display())),
            Err(e) => seen.push(e),
        }
    }
    let how = match &overridden {
        Some(p) => format!(
            "{} points to {}; unset it or point it to a {} `go`; {}",
            release.override_var(),
            p.display(),
            release,
            release.install_hint()
        ),
        None => release.install_hint().to_string(),
    };
    Err(format!(
        "no {} toolchain ({}); {how}",
        release,
        seen.join("; ")
    ))
}

/// Whether `go version`'s release `v` (e.g. `go1.26.8`) is `release`.
pub fn release_matches(release: GoRelease, v: &str) -> bool {
    match release {
        GoRelease::Go127 | GoRelease::Go127Split => v == GO127_TOOLCHAIN,
        r => v == r.name() || v.starts_with(&format!("{}.", r.name())),
    }
}

/// The release `go version` reports (`go1.19.8`), or why it cannot run.
fn go_version(go: &Path, env: &[(String, String)]) -> Result<String, String> {
    let mut c = Command::new(go);
    c.arg("version");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{} not found", go.display()),
        _ => format!("cannot run {}: {e}", go.display()),
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "`{} version` failed ({}): {}",
            go.display(),
            out.status,
            err.trim().lines().last().unwrap_or("")
        ));
    }
    parse_go_version(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| format!("{} printed no Go release", go.display()))
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
            let tc = find_from(r, Some("/nonexistent/go".into())).unwrap_err();
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
        let e = find_from(GoRelease::Go119, Some("/nonexistent/go".into())).unwrap_err();
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
