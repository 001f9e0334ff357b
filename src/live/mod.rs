//! `mapamp live`: the maps of a running Go program, read from its
//! `mapdebug` endpoint (the Go package `go/mapstats/mapdebug`) or from a
//! snapshot saved from it, and what a hint at each map's observed size would
//! have saved, priced by the models.
//!
//! - [`snapshot`]: the endpoint's JSON document, parsed and checked;
//! - [`fetch`]: a plain HTTP/1.0 GET over `std::net::TcpStream` (`http://`
//!   only: the endpoint is meant for loopback or an internal network, and
//!   mapamp takes no HTTP client dependency for one GET);
//! - [`analyse`]: per map its shape, load and growth state, and the price
//!   of the missing hint through [`crate::lint::cost::Pricer::price_at`]
//!   (the same pricing `mapamp lint` uses: the model of the program's Go
//!   release built to the map's length without a hint and with it);
//! - [`cli`]: the command's arguments, text and JSON output, exit codes;
//! - [`probe`]: `mapamp probe`, uprobes on an unmodified Go binary.

pub mod analyse;
pub mod cli;
mod error;
pub mod fetch;
pub mod probe;
pub mod snapshot;

pub use error::LiveError;
