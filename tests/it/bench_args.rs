//! The bench targets' command-line reading (`benches/common/args.rs`):
//! bench targets run without libtest, so its unit tests run here.

#[path = "../../benches/common/args.rs"]
#[allow(dead_code)]
mod args;
