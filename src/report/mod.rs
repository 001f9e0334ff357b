//! Reports: the schema of `report.json` and (later) its renderers.

pub mod schema;
