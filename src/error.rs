//! Errors: where they live, how they print, how the binary turns them into
//! exit codes.
//!
//! - **One `thiserror` enum per module that originates errors**, next to
//!   the code that raises them ([`crate::fsutil::FsError`],
//!   [`crate::limits::ReadError`], [`crate::names::UnknownName`],
//!   [`crate::locate::LocateError`],
//!   [`crate::profile::ProfileError`], [`crate::compare::CompareError`], ...).
//!   A variant carries the data its message names: the file and line, the
//!   bad value, the values that are valid.
//! - **A variant's message is its own; the cause is its `source()`.** An
//!   I/O or serde error is kept as `#[source]` with the path it concerned,
//!   and is not repeated in the message. [`chain`] (or anyhow's `{:#}`)
//!   prints the whole chain as `message: cause: cause`, which is what a
//!   person reads: `runs/a/report.json: cannot write: Permission denied
//!   (os error 13)`.
//! - **[`crate::Error`]** (in the crate root, above every module, so this
//!   module stays a leaf every module may use) wraps every module's error
//!   (`#[from]`) for callers that want one type.
//! - **Exit codes are chosen by the binary** (`src/main.rs`), at its edge,
//!   where errors become `anyhow::Error`: 0 done; 1 only for `compare`'s
//!   regression verdict (a result, not an error); 2 for every error — bad
//!   input and failures alike, the message saying which input to blame.
//!   `live` and `lint` keep their own documented codes in their `cli`
//!   modules (`probe`: 3 when uprobes are unavailable).
//!
//! What is still a `String` is text on purpose: a reason written into the
//! report (why a figure or a lens is unavailable) or a model finding for a
//! test's failure message (docs/errors.md lists them). A typed error that
//! becomes such a reason is written with its chain, directly or through
//! `From<…> for String` (see [`into_message`](crate::into_message)), so a
//! message reads the same whichever way it travelled.

/// The message of `e` followed by those of its sources, `": "`-separated
/// (anyhow's `{:#}` format): what a person needs to see.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s += ": ";
        s += &c.to_string();
        cur = c.source();
    }
    s
}

/// `impl From<E> for String` for typed errors that become a reason written
/// as text (`Result<_, String>`): the message with its chain ([`chain`]).
#[macro_export]
#[doc(hidden)]
macro_rules! into_message {
    ($($t:ty),* $(,)?) => {
        $(impl From<$t> for String {
            fn from(e: $t) -> String {
                $crate::error::chain(&e)
            }
        })*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_prints_every_source_after_the_message() {
        let e = crate::fsutil::FsError::Write {
            path: "a/b".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(e.to_string(), "a/b: cannot write");
        assert_eq!(chain(&e), "a/b: cannot write: permission denied");
        let wrapped = crate::Error::from(e);
        assert_eq!(chain(&wrapped), "a/b: cannot write: permission denied");
    }
}
