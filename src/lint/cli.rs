//! The command-line face of `mapamp lint`: [`LintArgs`] and [`run`], so
//! `main.rs` only dispatches.

use super::cost::MAX_PRICED_N;
use super::{lint, render, sarif, LintOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mapamp lint`.
#[derive(clap::Args, Clone, Debug)]
pub struct LintArgs {
    /// A folder or a file: the Go modules and Rust sources in it are checked.
    pub path: PathBuf,
    /// Price loops without a constant trip count at N entries (stated in the output).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_PRICED_N))]
    pub assume_n: Option<u64>,
    /// Print the report as JSON.
    #[arg(long, conflicts_with = "sarif")]
    pub json: bool,
    /// Print SARIF 2.1.0 (what GitHub code scanning reads).
    #[arg(long)]
    pub sarif: bool,
    /// A built maplint binary [default: go/maplint built with the `go` on PATH].
    #[arg(long, value_name = "PATH")]
    pub maplint: Option<PathBuf>,
    /// Exit 1 when there is a finding.
    #[arg(long)]
    pub fail_on_findings: bool,
}

/// Runs `mapamp lint`. Exit codes: 0 checked, 1 findings with
/// `--fail-on-findings`, 2 could not check (the message says why).
pub fn run(a: &LintArgs) -> ExitCode {
    let report = match lint(&LintOptions {
        path: a.path.clone(),
        assume_n: a.assume_n,
        maplint: a.maplint.clone(),
    }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mapamp lint: {}", crate::error::chain(&e));
            return ExitCode::from(2);
        }
    };
    if a.sarif {
        let root = a.path.canonicalize().ok().map(|p| {
            let dir = if p.is_file() {
                p.parent().map(PathBuf::from).unwrap_or(p)
            } else {
                p
            };
            sarif::folder_uri(&dir)
        });
        let log = sarif::sarif(&report, root.as_deref());
        println!(
            "{}",
            serde_json::to_string_pretty(&log).expect("SARIF serialises")
        );
    } else if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serialises")
        );
    } else {
        print!("{}", render::render_text(&report));
    }
    if a.fail_on_findings && !report.findings.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: LintArgs,
    }

    #[test]
    fn assume_n_is_range_checked_and_formats_conflict() {
        let w = Wrap::try_parse_from(["x", ".", "--assume-n", "1000"]).unwrap();
        assert_eq!(w.args.assume_n, Some(1000));
        let e = Wrap::try_parse_from(["x", ".", "--assume-n", "0"])
            .err()
            .unwrap();
        assert!(e.to_string().contains("1..=10000000"), "{e}");
        assert!(Wrap::try_parse_from(["x", ".", "--json", "--sarif"]).is_err());
    }
}
