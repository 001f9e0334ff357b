//! The command line `cargo bench` hands every bench target, read the way
//! criterion reads it, so the targets that are not criterion benchmarks
//! (`speed_ratio`, `instructions`) take the same filter, mode and baseline
//! options, and the criterion ones can say how many benchmarks a filter
//! leaves before they start.
//!
//! criterion's rules: the first positional argument is a filter, a regular
//! expression searched for in the benchmark id (`--exact`: the whole id);
//! `cargo bench` passes `--bench`, and without it (or with `--test`) each
//! benchmark runs once without measuring; `--list` lists them; `--ignored`
//! runs none. Options taking a value may be written `--name value` or
//! `--name=value`.

use regex::Regex;

/// criterion's options that take a value.
const WITH_VALUE: &[&str] = &[
    "color",
    "colour",
    "save-baseline",
    "baseline",
    "baseline-lenient",
    "load-baseline",
    "format",
    "profile-time",
    "sample-size",
    "warm-up-time",
    "measurement-time",
    "nresamples",
    "noise-threshold",
    "confidence-level",
    "significance-level",
    "plotting-backend",
    "output-format",
];

/// criterion's short options and their long names.
const SHORT: &[(char, &str)] = &[
    ('c', "color"),
    ('s', "save-baseline"),
    ('b', "baseline"),
    ('v', "verbose"),
    ('n', "noplot"),
];

/// criterion options that mean nothing to gungraun (sampling, statistics,
/// plots, terminal format): the `instructions` target drops them, saying so.
const CRITERION_ONLY: &[&str] = &[
    "verbose",
    "quiet",
    "noplot",
    "discard-baseline",
    "format",
    "profile-time",
    "sample-size",
    "warm-up-time",
    "measurement-time",
    "nresamples",
    "noise-threshold",
    "confidence-level",
    "significance-level",
    "plotting-backend",
    "output-format",
    "quick",
];

/// What a bench run is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Measure (`cargo bench`).
    Measure,
    /// Run each benchmark once (`cargo test --benches`, `-- --test`).
    Test,
    /// List the benchmarks (`--list`).
    List,
}

/// How a named baseline is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineUse {
    /// `--save-baseline NAME`: save the results under NAME.
    Save(String),
    /// `--baseline NAME` (`strict`) or `--baseline-lenient NAME`: compare
    /// with NAME; the results are kept as the latest run.
    Compare {
        /// The baseline's name.
        name: String,
        /// A missing baseline is an error (`--baseline`), or is skipped.
        strict: bool,
    },
}

/// One option as given: its long name and its value, if it takes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opt {
    /// Long name without dashes (short names are mapped to it).
    pub name: String,
    /// The value of an option that takes one.
    pub value: Option<String>,
}

/// The parsed command line.
#[derive(Clone, Debug)]
pub struct BenchArgs {
    /// The filter, as given.
    pub filter: Option<String>,
    /// `--exact`.
    pub exact: bool,
    /// `--ignored`: run nothing.
    pub ignored: bool,
    /// What to do.
    pub mode: Mode,
    /// Every option, in order (positional filter excluded).
    pub opts: Vec<Opt>,
    regex: Option<Regex>,
}

impl BenchArgs {
    /// This process's arguments.
    pub fn from_env() -> BenchArgs {
        match BenchArgs::parse(std::env::args().skip(1)) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("mapamp bench: {e}");
                std::process::exit(2);
            }
        }
    }

    /// Parses arguments (without the program name).
    pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<BenchArgs, String> {
        let mut filter = None;
        let mut opts = Vec::new();
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            let (name, inline) = if let Some(long) = a.strip_prefix("--") {
                match long.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (long.to_string(), None),
                }
            } else if let Some(short) = a.strip_prefix('-').filter(|s| s.chars().count() == 1) {
                let c = short.chars().next().expect("one character");
                let long = SHORT
                    .iter()
                    .find(|(s, _)| *s == c)
                    .map_or(short, |(_, l)| l);
                (long.to_string(), None)
            } else {
                if filter.is_some() {
                    return Err(format!(
                        "more than one filter (`{}` and `{a}`); give one regular expression",
                        filter.unwrap_or_default()
                    ));
                }
                filter = Some(a);
                continue;
            };
            let takes_value = WITH_VALUE.contains(&name.as_str());
            let value = match (takes_value, inline) {
                (true, Some(v)) => Some(v),
                (true, None) => Some(
                    it.next()
                        .ok_or_else(|| format!("`--{name}` needs a value"))?,
                ),
                (false, v) => v,
            };
            opts.push(Opt { name, value });
        }
        let has = |n: &str| opts.iter().any(|o| o.name == n);
        let exact = has("exact");
        let mode = if has("list") {
            Mode::List
        } else if has("test") || !has("bench") {
            Mode::Test
        } else {
            Mode::Measure
        };
        let regex = match (&filter, exact) {
            (Some(f), false) => Some(
                Regex::new(f)
                    .map_err(|e| format!("filter `{f}` is not a regular expression: {e}"))?,
            ),
            _ => None,
        };
        Ok(BenchArgs {
            filter,
            exact,
            ignored: has("ignored"),
            mode,
            opts,
            regex,
        })
    }

    /// The value of an option, if given (the last one wins).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|o| o.name == name)
            .and_then(|o| o.value.as_deref())
    }

    /// Whether criterion would run the benchmark `id` (`group/function/value`).
    pub fn selects(&self, id: &str) -> bool {
        if self.ignored {
            return false;
        }
        match (&self.filter, &self.regex) {
            (None, _) => true,
            (Some(f), None) => id == f,
            (Some(_), Some(r)) => r.is_match(id),
        }
    }

    /// The baseline option, if any.
    pub fn baseline(&self) -> Option<BaselineUse> {
        if let Some(name) = self.value("baseline") {
            return Some(BaselineUse::Compare {
                name: name.to_string(),
                strict: true,
            });
        }
        if let Some(name) = self.value("baseline-lenient") {
            return Some(BaselineUse::Compare {
                name: name.to_string(),
                strict: false,
            });
        }
        self.value("save-baseline")
            .map(|n| BaselineUse::Save(n.to_string()))
    }
}

/// The command line for gungraun's runner, from criterion's: baseline
/// options written `--name=value` (gungraun reads `--save-baseline before`
/// as the default baseline plus a filter `before`), `--baseline-lenient`
/// as `--baseline` (gungraun's is lenient), criterion-only options dropped
/// (returned second, for a note), and the filter and `--exact` left out:
/// the `instructions` target applies them to cell ids itself. Everything
/// else (gungraun's own options, written `--name=value`) passes unchanged.
pub fn gungraun_args(args: &BenchArgs) -> (Vec<String>, Vec<String>) {
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for o in &args.opts {
        let name = match o.name.as_str() {
            "baseline-lenient" => "baseline",
            "colour" => "color",
            "exact" => continue,
            n if CRITERION_ONLY.contains(&n) => {
                dropped.push(format!("--{n}"));
                continue;
            }
            n => n,
        };
        kept.push(match &o.value {
            Some(v) => format!("--{name}={v}"),
            None => format!("--{name}"),
        });
    }
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> BenchArgs {
        BenchArgs::parse(args.iter().map(|s| s.to_string())).unwrap()
    }

    #[test]
    fn values_are_taken_in_both_spellings_and_the_filter_is_the_positional() {
        let a = parse(&["--bench", "--save-baseline", "before", "evac.*gomap"]);
        assert_eq!(a.mode, Mode::Measure);
        assert_eq!(a.baseline(), Some(BaselineUse::Save("before".into())));
        assert_eq!(a.filter.as_deref(), Some("evac.*gomap"));
        assert!(a.selects("evacuate_double/gomap/go-default"));
        assert!(!a.selects("assign/gomap/go-default"));
        let b = parse(&["--bench", "--baseline=before", "-c", "never"]);
        assert_eq!(
            b.baseline(),
            Some(BaselineUse::Compare {
                name: "before".into(),
                strict: true
            })
        );
        assert_eq!(b.value("color"), Some("never"));
        assert_eq!(b.filter, None);
        assert!(b.selects("anything"));
    }

    #[test]
    fn modes_follow_criterion() {
        assert_eq!(parse(&[]).mode, Mode::Test);
        assert_eq!(parse(&["--bench", "--test"]).mode, Mode::Test);
        assert_eq!(parse(&["--bench", "--list"]).mode, Mode::List);
        let e = parse(&["--bench", "--exact", "assign/gomap"]);
        assert!(e.selects("assign/gomap"));
        assert!(!e.selects("assign/gomap/x"));
        assert!(!parse(&["--bench", "--ignored"]).selects("x"));
    }

    #[test]
    fn gungraun_gets_baselines_with_equals_and_no_criterion_only_options() {
        let a = parse(&[
            "--bench",
            "--save-baseline",
            "before",
            "-b",
            "old",
            "--sample-size",
            "10",
            "--noplot",
            "--callgrind-args=--dump-instr=yes",
            "--exact",
            "assign/gomap",
        ]);
        let (kept, dropped) = gungraun_args(&a);
        assert_eq!(
            kept,
            [
                "--bench",
                "--save-baseline=before",
                "--baseline=old",
                "--callgrind-args=--dump-instr=yes"
            ]
        );
        assert_eq!(dropped, ["--sample-size", "--noplot"]);
        let l = parse(&["--bench", "--baseline-lenient", "x"]);
        assert_eq!(gungraun_args(&l).0, ["--bench", "--baseline=x"]);
    }

    #[test]
    fn bad_command_lines_say_what_is_wrong() {
        let e = BenchArgs::parse(["--baseline".to_string()]).unwrap_err();
        assert!(e.contains("needs a value"), "{e}");
        let e = BenchArgs::parse(["a(".to_string()]).unwrap_err();
        assert!(e.contains("not a regular expression"), "{e}");
        let e = BenchArgs::parse(["a".to_string(), "b".to_string()]).unwrap_err();
        assert!(e.contains("more than one filter"), "{e}");
    }
}
