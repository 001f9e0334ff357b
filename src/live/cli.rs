//! The command-line face of `mapamp live`.
//!
//! Exit codes: 0 the maps were read and reported; 2 bad input (a URL that is
//! not `http://`, a file that is not a mapdebug snapshot, an endpoint that
//! refused or could not be reached).

use super::{analyse, fetch, snapshot, LiveError};
use crate::fsutil::write_atomic;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mapamp live`.
#[derive(clap::Args, Clone, Debug)]
pub struct LiveArgs {
    /// An `http://` URL of a mapdebug endpoint, or a snapshot file saved from one.
    pub source: String,
    /// Token the endpoint requires (sent as `Authorization: Bearer`) [default: $MAPDEBUG_TOKEN].
    #[arg(long)]
    pub token: Option<String>,
    /// Save the snapshot read to this file (written atomically).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `mapamp live --json`'s document.
#[derive(Serialize)]
pub struct LiveReport {
    /// Where the snapshot came from.
    pub source: String,
    /// The program's Go release.
    pub go_version: String,
    /// Per map.
    pub maps: Vec<analyse::MapReport>,
}

/// Reads the source and reports; the exit code as documented above.
pub fn run(a: &LiveArgs) -> ExitCode {
    match report(a) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mapamp live: {}", crate::error::chain(&e));
            ExitCode::from(2)
        }
    }
}

fn report(a: &LiveArgs) -> Result<String, LiveError> {
    let text = if a.source.contains("://") {
        let token = a
            .token
            .clone()
            .or_else(|| std::env::var("MAPDEBUG_TOKEN").ok());
        fetch::get(&a.source, token.as_deref().filter(|t| !t.is_empty()))?
    } else {
        std::fs::read_to_string(&a.source).map_err(|error| LiveError::ReadFile {
            path: a.source.clone(),
            error,
        })?
    };
    let doc = snapshot::parse(&text).map_err(|e| LiveError::In {
        source_arg: a.source.clone(),
        error: Box::new(e),
    })?;
    if let Some(path) = &a.save {
        write_atomic(path, text.as_bytes())?;
    }
    let maps = analyse::analyse(&doc);
    Ok(if a.json {
        let r = LiveReport {
            source: a.source.clone(),
            go_version: doc.go_version.clone(),
            maps,
        };
        format!(
            "{}\n",
            serde_json::to_string_pretty(&r).expect("live report serialises")
        )
    } else {
        analyse::render_text(&doc.go_version, &maps)
    })
}
