//! The `mapdebug` endpoint's JSON document (schema `mapamp.mapdebug/1`):
//! only the fields `mapamp live` reads; unknown fields are ignored.

use super::LiveError;
use serde::{Deserialize, Serialize};

/// The schema name the Go package writes.
pub const SCHEMA: &str = "mapamp.mapdebug/1";

/// One response of the endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The schema name.
    pub schema: String,
    /// The program's Go release (`go1.26.8`).
    pub go_version: String,
    /// The registered maps.
    pub maps: Vec<Entry>,
}

/// One registered map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The registered name.
    pub name: String,
    /// Its structure, absent when the program could not read it.
    #[serde(default)]
    pub snapshot: Option<Snapshot>,
    /// Why the structure could not be read.
    #[serde(default)]
    pub error: Option<String>,
    /// The counters of the map's assignment hook, when it has one.
    #[serde(default)]
    pub hook: Option<Hook>,
}

/// A map's structure (`mapstats.Snapshot`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The Go release.
    pub go_version: String,
    /// `classic` or `swiss`.
    pub design: String,
    /// `len(m)`.
    pub len: u64,
    /// Key type size.
    pub key_bytes: u64,
    /// Element type size.
    pub elem_bytes: u64,
    /// Bytes of the map's runtime structures.
    pub held_bytes: u64,
    /// The classic map's structure.
    #[serde(default)]
    pub classic: Option<Classic>,
    /// The Swiss map's structure.
    #[serde(default)]
    pub swiss: Option<Swiss>,
}

/// A classic map's structure (the fields read).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classic {
    /// log2 of the bucket count.
    pub b: u8,
    /// Main buckets.
    pub buckets: u64,
    /// Evacuation in progress.
    pub growing: bool,
    /// That evacuation keeps the size.
    pub same_size_growing: bool,
    /// Overflow buckets reachable from the current array.
    pub overflow_buckets: u64,
    /// Buckets per chain length.
    pub chain_len_hist: Vec<u64>,
    /// Main buckets of the array being evacuated.
    pub old_buckets: u64,
    /// Evacuation mark.
    pub nevacuate: u64,
}

/// A Swiss map's structure (the fields read).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Swiss {
    /// A small map (one group, no table).
    pub small: bool,
    /// Directory length.
    pub dir_len: u64,
    /// log2 of the directory length.
    pub global_depth: u32,
    /// Slots of all tables.
    pub capacity: u64,
    /// Deleted slots.
    pub tombstones: u64,
    /// The tables.
    pub tables: Vec<Table>,
}

/// One Swiss table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Slots.
    pub capacity: u64,
    /// Entries.
    pub used: u64,
    /// Inserts into empty slots left before it grows.
    pub growth_left: u64,
    /// Deleted slots.
    pub tombstones: u64,
}

/// An assignment hook's counters (`maphook.Stats`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    /// The hook is on.
    pub enabled: bool,
    /// Every n-th write is observed.
    pub sample_every: u32,
    /// Writes made while on.
    pub writes: u64,
    /// Writes observed.
    pub sampled: u64,
    /// Growths the observed writes saw.
    pub growths: u64,
    /// Estimated bytes the observed writes wrote.
    pub bytes_written: u64,
}

/// Parses and checks a document: its schema, and per map a structure that
/// matches its design.
pub fn parse(text: &str) -> Result<Document, LiveError> {
    let d: Document = serde_json::from_str(text).map_err(LiveError::NotASnapshot)?;
    if d.schema != SCHEMA {
        return Err(LiveError::Schema { found: d.schema });
    }
    for e in &d.maps {
        match (&e.snapshot, &e.error) {
            (Some(s), _) => match (s.design.as_str(), &s.classic, &s.swiss) {
                ("classic", Some(_), None) | ("swiss", None, Some(_)) => {}
                _ => {
                    return Err(LiveError::Map {
                        map: e.name.clone(),
                        what: format!(
                            "design {:?} without its structure (valid: classic with `classic`, swiss with `swiss`)",
                            s.design
                        ),
                    })
                }
            },
            (None, Some(_)) => {}
            (None, None) => {
                return Err(LiveError::Map {
                    map: e.name.clone(),
                    what: "neither a snapshot nor an error".into(),
                })
            }
        }
    }
    Ok(d)
}
