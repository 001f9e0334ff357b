//! Short frame names for flame graph pictures, the way Rust profiles are
//! usually read: `GoMap::insert` for
//! `mapamp::gomap::assign::<impl mapamp::gomap::GoMap<K,V,P,S>>::insert`.
//!
//! A name is shortened by (1) reading a qualified path `<impl T>::f`,
//! `<impl Trait for T>::f` or `<T as Trait>::f` as `T::f` (the type, not
//! the module the impl sits in, nor the trait), (2) dropping generic
//! arguments (`RawTable<T, A>` → `RawTable`), and (3) keeping the last two
//! path segments (`Type::method`, `module::function`). Names that would
//! collide keep more segments until they are unique, and the full name if
//! nothing else is. Only the picture uses short names: folded stacks and
//! pprof profiles keep the full ones, and the flame graph's tooltips show
//! them (see [`super::flamegraph`]).

use std::collections::{BTreeMap, BTreeSet};

/// Splits `s` at `::` outside angle brackets.
fn segments(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => depth += 1,
            // `->` in a function type is not a closing bracket.
            b'>' if i == 0 || bytes[i - 1] != b'-' => depth -= 1,
            b':' if depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                out.push(&s[start..i]);
                i += 2;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&s[start..]);
    out
}

/// `s` without generic argument lists (text inside `<…>`).
fn strip_generics(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0i32;
    let mut prev = '\0';
    for c in s.chars() {
        match c {
            '<' => depth += 1,
            '>' if prev != '-' && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
        prev = c;
    }
    out
}

/// Position of `pat` in `s` outside angle brackets.
fn find_top_level(s: &str, pat: &str) -> Option<usize> {
    let mut depth = 0i32;
    let bytes = s.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'<' => depth += 1,
            b'>' if i == 0 || bytes[i - 1] != b'-' => depth -= 1,
            _ if depth == 0 && s[i..].starts_with(pat) => return Some(i),
            _ => {}
        }
    }
    None
}

/// The type a qualified-path segment (`<impl T>`, `<impl Tr for T>`,
/// `<T as Tr>`) is about, as simplified segments.
fn qualified_type(segment: &str) -> Vec<String> {
    let inner = &segment[1..segment.len().saturating_sub(1).max(1)];
    let inner = inner.strip_prefix("impl ").unwrap_or(inner);
    let ty = match find_top_level(inner, " for ") {
        Some(i) => &inner[i + 5..],
        None => match find_top_level(inner, " as ") {
            Some(i) => &inner[..i],
            None => inner,
        },
    };
    simplified_segments(ty)
}

/// The path segments of a name, qualified paths resolved to their type and
/// generic arguments dropped.
fn simplified_segments(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for seg in segments(name.trim()) {
        if seg.starts_with('<') && seg.ends_with('>') {
            // The impl's type names the function better than the module the
            // impl sits in: it replaces the path so far.
            out = qualified_type(seg);
        } else {
            let s = strip_generics(seg);
            if !s.is_empty() {
                out.push(s);
            }
        }
    }
    out
}

/// The last `keep` simplified segments of `name`, joined with `::`.
fn shortened(name: &str, keep: usize) -> String {
    let segs = simplified_segments(name);
    if segs.is_empty() {
        return name.to_string();
    }
    segs[segs.len().saturating_sub(keep)..].join("::")
}

/// The short name of one frame (two segments; see the module docs).
pub fn short_name(name: &str) -> String {
    shortened(name, 2)
}

/// Short names for a set of full names, unique: a name whose short form
/// another name shares keeps more segments until it is unique, or its full
/// name. Deterministic for a given set.
pub fn short_names<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let names: BTreeSet<&str> = names.into_iter().collect();
    let mut keep = 2;
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut todo: Vec<&str> = names.iter().copied().collect();
    while !todo.is_empty() {
        let mut by_short: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for n in &todo {
            by_short.entry(shortened(n, keep)).or_default().push(n);
        }
        let taken: BTreeSet<String> = out.values().cloned().collect();
        let mut next = Vec::new();
        for (short, fulls) in by_short {
            let longest = fulls.iter().all(|f| simplified_segments(f).len() <= keep);
            if fulls.len() == 1 && !taken.contains(&short) {
                out.insert(fulls[0].to_string(), short);
            } else if longest || keep > 16 {
                for f in fulls {
                    out.insert(f.to_string(), f.to_string());
                }
            } else {
                next.extend(fulls);
            }
        }
        todo = next;
        keep += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impl_blocks_and_trait_impls_read_as_their_type() {
        assert_eq!(
            short_name("mapamp::gomap::assign::<impl mapamp::gomap::GoMap<K,V,P,S>>::insert"),
            "GoMap::insert"
        );
        assert_eq!(
            short_name(
                "<mapamp::variants::GoFamily<K,V,P> as mapamp::variants::MapUnderStudy<K,V>>::insert"
            ),
            "GoFamily::insert"
        );
        assert_eq!(
            short_name("<hashbrown::map::HashMap<K,V,S,A> as core::iter::traits::collect::Extend<(K,V)>>::extend"),
            "HashMap::extend"
        );
        assert_eq!(
            short_name("core::ptr::drop_in_place<hashbrown::raw::RawTable<(u64,u64)>>"),
            "ptr::drop_in_place"
        );
        assert_eq!(
            short_name("<impl core::fmt::Debug for mapamp::cell::CellId>::fmt"),
            "CellId::fmt"
        );
        assert_eq!(
            short_name("mapamp::region::measured_region"),
            "region::measured_region"
        );
        assert_eq!(short_name("memcpy"), "memcpy");
        assert_eq!(
            short_name("mapamp::run::cell_lenses::flamegraph::{{closure}}"),
            "flamegraph::{{closure}}"
        );
        assert_eq!(
            short_name("core::ops::function::FnOnce::call_once<fn() -> u64, ()>"),
            "FnOnce::call_once"
        );
    }

    #[test]
    fn colliding_short_names_keep_more_segments_or_the_full_name() {
        let names = [
            "a::x::Map::insert",
            "b::y::Map::insert",
            "mapamp::gomap::grow::evacuate",
            "other::grow::evacuate",
            "memcpy",
        ];
        let m = short_names(names.iter().copied());
        assert_eq!(m["a::x::Map::insert"], "x::Map::insert");
        assert_eq!(m["b::y::Map::insert"], "y::Map::insert");
        assert_eq!(m["mapamp::gomap::grow::evacuate"], "gomap::grow::evacuate");
        assert_eq!(m["other::grow::evacuate"], "other::grow::evacuate");
        assert_eq!(m["memcpy"], "memcpy");
        let shorts: BTreeSet<&String> = m.values().collect();
        assert_eq!(shorts.len(), names.len(), "{m:?}");
        // Names that differ only in generic arguments keep their full names.
        let m = short_names(["f::Map<u8>::get", "f::Map<u16>::get"]);
        assert_eq!(m["f::Map<u8>::get"], "f::Map<u8>::get");
        assert_eq!(m["f::Map<u16>::get"], "f::Map<u16>::get");
    }
}
