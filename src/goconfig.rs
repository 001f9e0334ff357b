//! What configures a real-Go cell, as plain data below the profile, the
//! scenarios and the variants that carry it: the Go release ([`GoRelease`],
//! its map design) and the knobs of the Go runtime itself, `GOGC` and
//! `GOMEMLIMIT`, with their parsing. The real-Go lens, [`crate::golang`],
//! re-exports them (`golang::knobs`, `golang::GoRelease`).
//!
//! They apply to the real-Go variants only (a model has no collector); a
//! profile configuration that sets them is skipped for the other variants,
//! with the reason. They reach the harness as the environment variables of
//! the same names.

use crate::gotype::{GoType, GroupLayout, SUPPORTED_SIZES};
use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// `GOGC`: the heap growth (in percent of the live heap) that triggers a
/// collection, or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Gogc {
    /// A percentage (Go's default is 100).
    Percent(u32),
    /// No collection (`GOGC=off`), unless GOMEMLIMIT is reached.
    Off,
}

impl Gogc {
    /// Parses `off` or a percentage.
    pub fn parse(s: &str) -> Result<Gogc, GoKnobError> {
        let s = s.trim();
        if s == "off" {
            return Ok(Gogc::Off);
        }
        match s.parse::<u32>() {
            Ok(p) if p >= 1 => Ok(Gogc::Percent(p)),
            _ => Err(GoKnobError::Gogc(s.to_string())),
        }
    }
}

impl std::fmt::Display for Gogc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gogc::Percent(p) => write!(f, "{p}"),
            Gogc::Off => f.write_str("off"),
        }
    }
}

impl From<Gogc> for String {
    fn from(g: Gogc) -> String {
        g.to_string()
    }
}

/// A Go runtime knob (`gogc`, `gomemlimit`) Go would refuse: the value
/// given and the valid forms.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GoKnobError {
    /// Not a percentage from 1, nor `off`.
    #[error("gogc = {0:?} is not valid; use a percentage from 1 (Go's default is 100, e.g. 50, 100, 400) or \"off\"")]
    Gogc(String),
    /// Not a byte count with a unit Go reads, nor `off`.
    #[error("gomemlimit = {0:?} is not valid; use a byte count with an optional unit B, KiB, MiB, GiB or TiB (e.g. \"512MiB\", \"2GiB\") or \"off\"")]
    Gomemlimit(String),
}

impl TryFrom<String> for Gogc {
    type Error = GoKnobError;
    fn try_from(s: String) -> Result<Self, GoKnobError> {
        Gogc::parse(&s)
    }
}

/// Parses a `GOMEMLIMIT` value as Go does: a byte count with an optional
/// unit (`B`, `KiB`, `MiB`, `GiB`, `TiB`), or `off`. Returns it as written.
pub fn parse_gomemlimit(s: &str) -> Result<String, GoKnobError> {
    let s = s.trim();
    let bad = || GoKnobError::Gomemlimit(s.to_string());
    if s == "off" {
        return Ok(s.to_string());
    }
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &s[digits.len()..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if !["", "B", "KiB", "MiB", "GiB", "TiB"].contains(&unit) {
        return Err(bad());
    }
    digits.parse::<u64>().map_err(|_| bad())?;
    Ok(s.to_string())
}

/// The Go runtime knobs of a configuration (absent: Go's defaults).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GoRuntimeKnobs {
    /// `GOGC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gogc: Option<Gogc>,
    /// `GOMEMLIMIT`, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gomemlimit: Option<String>,
}

impl GoRuntimeKnobs {
    /// Whether any knob is set.
    pub fn is_set(&self) -> bool {
        self.gogc.is_some() || self.gomemlimit.is_some()
    }

    /// The environment the harness runs with: every knob, and the ones not
    /// set removed (so the caller's environment does not leak in).
    pub fn env(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("GOGC", self.gogc.map(|g| g.to_string())),
            ("GOMEMLIMIT", self.gomemlimit.clone()),
        ]
    }
}

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

    /// How a Swiss release lays out a group: 8 keys then 8 values with
    /// `mapsplitgroup`, else key and value interleaved per slot (the
    /// classic release has buckets, not groups: `Interleaved` is not used).
    pub fn group_layout(self) -> GroupLayout {
        match self {
            GoRelease::Go127Split => GroupLayout::Split,
            _ => GroupLayout::Interleaved,
        }
    }
}

/// The Go type names the harness instantiates, and whether each runs as a
/// key and as a value: `namedKeys` and `namedValues` in
/// `go/internal/harness/types.go`, in their order, which a test holds equal
/// to [`harness_key_types`] and [`harness_value_types`] (and `mapamp-go
/// types` to [`crate::gotype::Shape::parse_go`]'s shapes). `int64` and
/// `uint64`, `[4]int64` and `[4]uint64` run as the same Go type.
pub const HARNESS_TYPES: [(&str, HarnessUse); 12] = [
    ("struct{}", HarnessUse::Value),
    ("bool", HarnessUse::Value),
    ("int16", HarnessUse::Key),
    ("int32", HarnessUse::Both),
    ("int64", HarnessUse::Both),
    ("uint64", HarnessUse::Both),
    ("string", HarnessUse::Both),
    ("*int64", HarnessUse::Both),
    ("[4]int64", HarnessUse::Both),
    ("[4]uint64", HarnessUse::Both),
    ("[24]byte", HarnessUse::Both),
    ("[136]byte", HarnessUse::Both),
];

/// Where the harness runs a named type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HarnessUse {
    /// As a key only.
    Key,
    /// As a value only.
    Value,
    /// As a key and as a value.
    Both,
}

/// Key types the Go harness runs by name, in `namedKeys`' order.
pub fn harness_key_types() -> Vec<&'static str> {
    harness_types(HarnessUse::Key)
}

/// Value types the Go harness runs by name, in `namedValues`' order.
pub fn harness_value_types() -> Vec<&'static str> {
    harness_types(HarnessUse::Value)
}

fn harness_types(side: HarnessUse) -> Vec<&'static str> {
    HARNESS_TYPES
        .iter()
        .filter(|(_, u)| *u == side || *u == HarnessUse::Both)
        .map(|(n, _)| *n)
        .collect()
}

/// The name the Go harness gives a `[size/8]uint64` key or value
/// (`sizedName` in `types.go`): `uint64` for 8 bytes.
fn sized_name(size: usize) -> String {
    if size == 8 {
        "uint64".into()
    } else {
        format!("[{}]uint64", size / 8)
    }
}

/// Whether the Go harness runs a name as its sized `[W]uint64` type
/// (`sizeOfName` in `types.go`): `int64`, `uint64`, `[N]int64` and
/// `[N]uint64` of the supported sizes.
fn harness_sized(name: &str) -> bool {
    if name == "int64" || name == "uint64" {
        return true;
    }
    SUPPORTED_SIZES[1..]
        .iter()
        .any(|s| name == format!("[{}]int64", s / 8) || name == format!("[{}]uint64", s / 8))
}

/// Whether the Go harness runs `map[key]value` (`None`: `[size/8]uint64`
/// of the size given), as its `dispatchNamed` decides: two `[W]uint64`
/// sides are the sized cell; otherwise each name must be one it
/// instantiates. The error names the valid ones.
pub fn harness_runs(
    key: Option<&GoType>,
    key_size: usize,
    value: Option<&GoType>,
    value_size: usize,
) -> Result<(), HarnessTypeError> {
    if key.is_none() && value.is_none() {
        return Ok(());
    }
    let k = key.map_or_else(|| sized_name(key_size), |t| t.name.clone());
    let v = value.map_or_else(|| sized_name(value_size), |t| t.name.clone());
    if harness_sized(&k) && harness_sized(&v) {
        return Ok(());
    }
    for (what, name, valid) in [
        ("key", &k, harness_key_types()),
        ("value", &v, harness_value_types()),
    ] {
        if !valid.contains(&name.as_str()) {
            return Err(HarnessTypeError {
                what,
                name: name.clone(),
                map: format!("map[{k}]{v}"),
                valid: valid.join(", "),
            });
        }
    }
    Ok(())
}

/// A key or value type the real-Go harness does not instantiate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the real-Go harness does not run {what} type `{name}` ({map}); {what} types it runs by name: {valid}")]
pub struct HarnessTypeError {
    /// `key` or `value`.
    pub what: &'static str,
    /// The type's Go name.
    pub name: String,
    /// The map type, `map[K]V`.
    pub map: String,
    /// The names it runs, `, `-separated.
    pub valid: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gogc_parses_percentages_and_off() {
        assert_eq!(Gogc::parse("50"), Ok(Gogc::Percent(50)));
        assert_eq!(Gogc::parse("off"), Ok(Gogc::Off));
        for bad in ["0", "-1", "fast", "", "1.5"] {
            let e = Gogc::parse(bad).unwrap_err().to_string();
            assert!(e.contains("\"off\""), "{e}");
        }
        assert_eq!(Gogc::Percent(400).to_string(), "400");
    }

    #[test]
    fn gomemlimit_parses_as_go_does() {
        for ok in ["off", "1073741824", "512MiB", "2GiB", "100B", "1TiB"] {
            assert_eq!(parse_gomemlimit(ok).as_deref(), Ok(ok));
        }
        for bad in ["", "MiB", "2GB", "1.5GiB", "-1", "lots"] {
            let e = parse_gomemlimit(bad).unwrap_err().to_string();
            assert!(e.contains("KiB, MiB, GiB or TiB"), "{e}");
        }
    }

    /// The Go list as `types.go` writes it: `name = []string{"a", "b"}`.
    fn go_list(src: &str, name: &str) -> Vec<String> {
        let at = src
            .find(&format!("{name} "))
            .unwrap_or_else(|| panic!("types.go has no {name}"));
        let rest = &src[at..];
        let body = &rest[rest.find('{').unwrap() + 1..rest.find("}\n").unwrap()];
        body.split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    #[test]
    fn the_harness_type_lists_are_the_go_harness_s_and_parse_as_go_types() {
        let src = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("go/internal/harness/types.go"),
        )
        .unwrap();
        assert_eq!(go_list(&src, "namedKeys"), harness_key_types());
        assert_eq!(go_list(&src, "namedValues"), harness_value_types());
        for (name, _) in HARNESS_TYPES {
            let t = GoType::parse(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(t.name, name, "the harness gets the name as parsed");
        }
    }

    #[test]
    fn the_harness_runs_its_names_and_refuses_others_with_the_valid_ones() {
        let t = |s: &str| GoType::parse(s).unwrap();
        let (i32t, b, f32t) = (t("int32"), t("bool"), t("float32"));
        assert_eq!(harness_runs(None, 8, None, 8), Ok(()));
        assert_eq!(harness_runs(Some(&i32t), 4, Some(&b), 1), Ok(()));
        assert_eq!(harness_runs(Some(&i32t), 4, None, 8), Ok(()));
        // Sized names on both sides are the sized cell, any supported size.
        assert_eq!(harness_runs(Some(&t("[8]int64")), 64, None, 16), Ok(()));
        let e = harness_runs(Some(&f32t), 4, Some(&b), 1)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("key type `float32`") && e.contains("int16, int32"),
            "{e}"
        );
        let e = harness_runs(Some(&i32t), 4, Some(&f32t), 4)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("value type `float32`") && e.contains("struct{}, bool"),
            "{e}"
        );
        // `[2]uint64` runs only beside another sized type.
        let e = harness_runs(None, 16, Some(&b), 1).unwrap_err().to_string();
        assert!(e.contains("key type `[2]uint64`"), "{e}");
        // `int` has int64's shape but is not a name the harness knows.
        assert!(harness_runs(Some(&t("int")), 8, None, 8).is_err());
    }
}
