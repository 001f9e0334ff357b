//! The command-line face of `locate`: [`LocateArgs`] and its conversion to a
//! [`LocateConfig`], so `main.rs` only parses and calls.
//!
//! Hash, index and key names are the enums' derived names ([`crate::names`]),
//! so the command line, reports and error messages always list the same choices.

use super::{HashFn, IndexFn, KeyKind, LocateConfig, DEFAULT_REPETITIONS};

/// Arguments of `mapamp locate`.
#[derive(clap::Args, Clone, Debug)]
pub struct LocateArgs {
    /// Hash function.
    #[arg(long, value_enum, default_value_t = HashFn::Fnv1a)]
    pub hash: HashFn,
    /// How a hash becomes a bucket index (`mask` needs a power-of-two bucket count).
    #[arg(long, value_enum, default_value_t = IndexFn::Modulo)]
    pub index: IndexFn,
    /// Key kind: random u64s, or random alphanumeric strings of 8-32 bytes.
    #[arg(long, value_enum, default_value_t = KeyKind::Strings)]
    pub keys: KeyKind,
    /// Number of keys.
    #[arg(long, default_value_t = 1_000_000)]
    pub n: usize,
    /// Number of buckets.
    #[arg(long, default_value_t = 1024)]
    pub buckets: u64,
    /// Seed the keys are generated from.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Timed repetitions of the whole key set (the median is reported).
    #[arg(long, default_value_t = DEFAULT_REPETITIONS)]
    pub repetitions: usize,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    pub json: bool,
}

impl LocateArgs {
    /// The configuration these arguments ask for.
    pub fn config(&self) -> LocateConfig {
        LocateConfig {
            what: super::Combination {
                hash: self.hash,
                index: self.index,
                keys: self.keys,
                n: self.n,
                buckets: self.buckets,
                seed: self.seed,
            },
            repetitions: self.repetitions,
        }
    }
}

crate::value_enum!(HashFn, IndexFn, KeyKind);

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: LocateArgs,
    }

    #[test]
    fn defaults_are_the_library_defaults() {
        let w = Wrap::try_parse_from(["x"]).unwrap();
        assert_eq!(w.args.config(), LocateConfig::default());
        assert!(!w.args.json);
    }

    #[test]
    fn names_parse_and_unknown_ones_are_refused() {
        let w = Wrap::try_parse_from(["x", "--hash", "xxh3", "--index", "mask", "--keys", "u64"])
            .unwrap();
        let c = w.args.config().what;
        assert_eq!(
            (c.hash, c.index, c.keys),
            (HashFn::Xxh3, IndexFn::Mask, KeyKind::U64)
        );
        let e = Wrap::try_parse_from(["x", "--hash", "md5"])
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("fnv1a, sip13, foldhash, xxh3, model"), "{e}");
    }
}
