//! What `mapamp live` refuses: URLs, endpoints, snapshots.

/// Why a mapdebug endpoint or snapshot could not be read: the URL or file
/// to blame and what is valid.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// Not an `http://` URL.
    #[error("{url:?}: only http:// URLs are fetched (or give a saved snapshot file)")]
    NotHttp {
        /// The URL given.
        url: String,
    },
    /// An `http://` URL of a form not fetched.
    #[error("{url:?}: want http://HOST[:PORT]/PATH (no user info, no spaces)")]
    BadUrl {
        /// The URL given.
        url: String,
    },
    /// A token that would break the request.
    #[error("the token holds control characters")]
    TokenControl,
    /// The host did not resolve.
    #[error("{url}: cannot resolve {authority}")]
    Resolve {
        /// The URL.
        url: String,
        /// `host:port`.
        authority: String,
        /// The resolver's error.
        #[source]
        source: std::io::Error,
    },
    /// The host resolved to nothing.
    #[error("{url}: {authority} resolves to no address")]
    NoAddress {
        /// The URL.
        url: String,
        /// `host:port`.
        authority: String,
    },
    /// Connecting, sending or receiving failed; `step` says which
    /// ("cannot connect").
    #[error("{url}: {step}")]
    Io {
        /// The URL.
        url: String,
        /// What failed.
        step: &'static str,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The response is not one mapamp reads; `what` says why.
    #[error("{url}: {what}")]
    Response {
        /// The URL.
        url: String,
        /// What is wrong with it.
        what: String,
    },
    /// The endpoint answered other than 200.
    #[error("{url}: {status}: {reason}")]
    Status {
        /// The URL.
        url: String,
        /// The status line.
        status: String,
        /// The body's first line.
        reason: String,
    },
    /// A saved snapshot file that could not be read (the OS error is part
    /// of the message, before the hint).
    #[error("{path}: {error} (give an http:// URL or a saved snapshot file)")]
    ReadFile {
        /// The file given.
        path: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// Text that is not mapdebug JSON.
    #[error(
        "not a mapdebug snapshot ({} JSON from go/mapstats/mapdebug)",
        super::snapshot::SCHEMA
    )]
    NotASnapshot(#[source] serde_json::Error),
    /// Another schema version.
    #[error(
        "snapshot schema {found:?}: this mapamp reads {:?}",
        super::snapshot::SCHEMA
    )]
    Schema {
        /// The schema found.
        found: String,
    },
    /// A map entry whose structure does not match its design, or that has
    /// neither a snapshot nor an error.
    #[error("map {map:?}: {what}")]
    Map {
        /// The map's name.
        map: String,
        /// What is wrong.
        what: String,
    },
    /// An error about the snapshot read from `source`.
    #[error("{source_arg}")]
    In {
        /// The URL or file given.
        source_arg: String,
        /// The error.
        #[source]
        error: Box<LiveError>,
    },
    /// `--save` could not be written.
    #[error(transparent)]
    Save(#[from] crate::fsutil::FsError),
}
