//! One way to name the variants of a plain enum (scenarios, key
//! distributions, lenses, copy paths, variants, hashes, ...).
//!
//! Each enum derives its names and its list of variants with strum
//! (`IntoStaticStr` and `Display` spelled like its serde names,
//! `VariantArray` for the list) and implements [`Named`]; parsing, the
//! "valid: …" list of an error message, and clap's [`clap::ValueEnum`]
//! ([`value_enum!`](crate::value_enum)) are written once here for all of
//! them.

/// An enum whose variants have one name each (derived with strum).
pub trait Named: Copy + Into<&'static str> + strum::VariantArray + 'static {
    /// Every name, in declaration order, joined with `, ` (for "valid: …" lists).
    fn names() -> String {
        Self::VARIANTS
            .iter()
            .map(|&v| v.into())
            .collect::<Vec<&str>>()
            .join(", ")
    }
}

/// A name that is none of an enum's variants: `unknown {what} `given`;
/// {valid}: {names}`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}`; {valid}: {names}")]
pub struct UnknownName {
    /// What was being named ("hash", "variant").
    pub what: &'static str,
    /// The name given.
    pub given: String,
    /// How the list is introduced ("valid hashes").
    pub valid: &'static str,
    /// The valid names, `, `-separated.
    pub names: String,
}

/// The variant named `s`, or [`UnknownName`] listing the valid ones
/// (e.g. what = "hash", valid = "valid hashes").
pub fn parse<T: Named>(s: &str, what: &'static str, valid: &'static str) -> Result<T, UnknownName> {
    T::VARIANTS
        .iter()
        .copied()
        .find(|&v| {
            let name: &str = v.into();
            name == s
        })
        .ok_or_else(|| UnknownName {
            what,
            given: s.to_string(),
            valid,
            names: T::names(),
        })
}

/// The first `N` variants of a derived list as an array (a constant's
/// `ALL`); fails to compile if the list is shorter.
pub const fn first<T: Copy, const N: usize>(all: &[T]) -> [T; N] {
    match all.first_chunk::<N>() {
        Some(a) => *a,
        None => panic!("fewer variants than the array asks for"),
    }
}

/// The whole derived list as an array; fails to compile unless it has
/// exactly `N` variants.
pub const fn all<T: Copy, const N: usize>(all: &[T]) -> [T; N] {
    assert!(
        all.len() == N,
        "the array's length is not the enum's variant count"
    );
    first(all)
}

/// Implements [`clap::ValueEnum`] for [`Named`] enums: the command line
/// accepts and lists the same names as profiles, reports and errors.
#[macro_export]
macro_rules! value_enum {
    ($($t:ty),+ $(,)?) => {$(
        impl clap::ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                <$t as strum::VariantArray>::VARIANTS
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(<&'static str>::from(*self)))
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[derive(Clone, Copy, Debug, PartialEq, strum::VariantArray, strum::IntoStaticStr)]
    #[strum(serialize_all = "snake_case")]
    enum Shade {
        LightGrey,
        Dark,
    }
    impl Named for Shade {}

    #[test]
    fn names_parse_and_list_the_valid_ones() {
        assert_eq!(
            parse::<Shade>("light_grey", "shade", "valid"),
            Ok(Shade::LightGrey)
        );
        let e = parse::<Shade>("pink", "shade", "valid shades").unwrap_err();
        assert_eq!(e.given, "pink");
        assert_eq!(
            e.to_string(),
            "unknown shade `pink`; valid shades: light_grey, dark"
        );
        const ALL: [Shade; 2] = all(Shade::VARIANTS);
        const ONE: [Shade; 1] = first(Shade::VARIANTS);
        assert_eq!(
            (ALL, ONE),
            ([Shade::LightGrey, Shade::Dark], [Shade::LightGrey])
        );
    }
}
