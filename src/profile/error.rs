//! What a profile can get wrong, and where.

use std::path::PathBuf;

/// Why a profile cannot be used: the file (and line and column, where the
/// fault is in the text) and the rule it breaks.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// A value or section in the file breaks a rule; `message` names the
    /// key, the value and what is valid.
    #[error("{file}:{line}:{col}: {message}")]
    At {
        /// The file as given.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong and what would do.
        message: String,
    },
    /// TOML that does not parse, with no position to point at.
    #[error("{file}: {message}")]
    Syntax {
        /// The file as given.
        file: String,
        /// The TOML parser's message.
        message: String,
    },
    /// A folder given as a profile.
    #[error(
        "profile {} is a folder, not a profile file; give a .toml file or a profile name",
        .0.display()
    )]
    Folder(PathBuf),
    /// A device, pipe or socket given as a profile.
    #[error(
        "profile {} is not a regular file (a device, pipe or socket); give a .toml file",
        .0.display()
    )]
    NotRegular(PathBuf),
    /// A profile path with nothing there.
    #[error("profile file {} does not exist", .0.display())]
    NoSuchFile(PathBuf),
    /// A profile name that is not in `profiles/`.
    #[error(
        "no profile named `{name}`; available: {} (or give a path to a .toml file)",
        if available.is_empty() { "none found".to_string() } else { available.join(", ") }
    )]
    NoSuchName {
        /// The name given.
        name: String,
        /// The profiles found.
        available: Vec<String>,
    },
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] crate::limits::ReadError),
    /// The largest cell needs more memory than is available; the input to
    /// blame is named at its line.
    #[error(
        "{}: {what}: cell {cell} needs about {need_mib} MiB, {available_mib} MiB are available",
        match line { Some(l) => format!("{file}:{l}"), None => file.clone() }
    )]
    TooLarge {
        /// The profile file.
        file: String,
        /// The line of the input to blame, when it has one.
        line: Option<usize>,
        /// The input to blame, with its value.
        what: String,
        /// The cell that needs the most.
        cell: String,
        /// Its need, MiB.
        need_mib: u64,
        /// What is available, MiB.
        available_mib: u64,
    },
}

/// A value of a profile that breaks a rule of the profile's own (the
/// rules of other modules have their own errors: [`crate::names::UnknownName`],
/// [`crate::gomap::KnobError`], ...). [`ProfileError::At`] puts it at its
/// file, line and column.
#[derive(Debug, thiserror::Error)]
pub(super) enum BadValue {
    /// A configuration name that is empty or too long.
    #[error(
        "configuration name `{name}` has {len} characters; {}",
        config_name_rule()
    )]
    ConfigNameLength {
        /// The name.
        name: String,
        /// Its length in characters.
        len: usize,
    },
    /// `.` or `..` as a configuration name.
    #[error("configuration name `{name}` is not valid; {}", config_name_rule())]
    ConfigNameDots {
        /// The name.
        name: String,
    },
    /// A configuration name with a character an id segment cannot hold.
    #[error("configuration name `{name}` contains `{c}`; {}", config_name_rule())]
    ConfigNameChar {
        /// The name.
        name: String,
        /// The first character not allowed.
        c: char,
    },
    /// `locate` in `axes.scenario`.
    #[error(
        "list locate combinations in the [locate] table, not in axes.scenario (its scenarios: {})",
        map_scenarios()
    )]
    LocateInAxes,
    /// `io` in `axes.scenario`.
    #[error("list io cells in the [io] table, not in axes.scenario")]
    IoInAxes,
    /// A scenario name that is none of the map scenarios.
    #[error("unknown scenario `{name}`; valid scenarios: {} (locate cells go in the [locate] table, io cells in the [io] table)", map_scenarios())]
    UnknownScenario {
        /// The name given.
        name: String,
    },
    /// An `[io]` size that is neither a number nor a string.
    #[error("{0} is not a size; write a number of bytes or a string such as \"4KiB\"")]
    NotASizeValue(toml::Value),
    /// An `[io]` size string that does not parse.
    #[error(transparent)]
    Size(#[from] crate::scenario::io::NotASize),
}

/// What a configuration name may be (it is a folder name in every cell id).
fn config_name_rule() -> String {
    format!(
        "a configuration name is 1 to {} letters, digits, `.`, `_`, `-`, `=` or `+`, and not `.` or `..`",
        crate::limits::MAX_CONFIG_NAME
    )
}

/// The scenarios `axes.scenario` may list, `, `-separated.
fn map_scenarios() -> String {
    use crate::scenario::Scenario;
    Scenario::ALL
        .into_iter()
        .filter(|x| !matches!(x, Scenario::Locate | Scenario::Io))
        .map(|x| x.name())
        .collect::<Vec<_>>()
        .join(", ")
}
