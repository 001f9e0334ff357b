//! Folded stacks of the measured region: the flame graph's input.
//!
//! A sampled stack is a list of function names, root first. Only stacks
//! that pass through the region's frame ([`REGION_FRAME`]) belong to the
//! region; each is cut there, so the region's frame is the root of every
//! folded line and nothing of the setup around the region (the caller, the
//! test harness, `main`) ever shows.
//!
//! The text is inferno's folded format — `frame;frame;frame count` per line —
//! in byte order of the stack, so the same samples always give the same file.

use crate::region::REGION_FRAME;
use std::collections::BTreeMap;

/// Sample counts per folded stack (`root;...;leaf`), in deterministic order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FoldedStacks {
    counts: BTreeMap<String, u64>,
}

impl FoldedStacks {
    /// No stacks.
    pub fn new() -> FoldedStacks {
        FoldedStacks::default()
    }

    /// Adds `count` samples of the stack `frames` (root first), whole.
    pub fn add(&mut self, frames: &[impl AsRef<str>], count: u64) {
        if frames.is_empty() || count == 0 {
            return;
        }
        let key = frames
            .iter()
            .map(|f| frame_label(f.as_ref()))
            .collect::<Vec<_>>()
            .join(";");
        *self.counts.entry(key).or_insert(0) += count;
    }

    /// Adds `count` samples of the stack `frames` (root first) if it passes
    /// through the region, cut at the region's frame; returns whether it did.
    pub fn add_region(&mut self, frames: &[impl AsRef<str>], count: u64) -> bool {
        match region_cut(frames) {
            Some(cut) => {
                self.add(&frames[cut..], count);
                true
            }
            None => false,
        }
    }

    /// Total samples.
    pub fn samples(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The folded lines, `stack count`, sorted by stack.
    pub fn lines(&self) -> Vec<String> {
        self.counts
            .iter()
            .map(|(stack, n)| format!("{stack} {n}"))
            .collect()
    }

    /// Every distinct frame name.
    pub fn frames(&self) -> std::collections::BTreeSet<&str> {
        self.counts
            .keys()
            .flat_map(|stack| stack.split(';'))
            .collect()
    }

    /// The same samples with every frame renamed by `rename` (stacks that
    /// become equal merge).
    pub fn map_frames(&self, rename: impl Fn(&str) -> String) -> FoldedStacks {
        let mut out = FoldedStacks::new();
        for (stack, &n) in &self.counts {
            let frames: Vec<String> = stack.split(';').map(&rename).collect();
            out.add(&frames, n);
        }
        out
    }

    /// The folded file's text (one line per stack, newline-terminated).
    pub fn to_text(&self) -> String {
        self.lines().iter().map(|l| format!("{l}\n")).collect()
    }

    /// Reads folded text (`frame;frame;frame count` per line, as
    /// [`FoldedStacks::to_text`] writes it; stacks are taken as written,
    /// duplicates merged). Returns the stacks and how many non-empty lines
    /// were not `stack count`.
    pub fn parse(text: &str) -> (FoldedStacks, usize) {
        let mut f = FoldedStacks::new();
        let mut bad_lines = 0;
        for line in text.lines() {
            let line = line.trim_end();
            if line.trim().is_empty() {
                continue;
            }
            let parsed = line.rsplit_once(' ').and_then(|(stack, count)| {
                let stack = stack.trim_end();
                let count = count.parse::<u64>().ok()?;
                (!stack.is_empty()).then_some((stack, count))
            });
            match parsed {
                Some((stack, count)) => *f.counts.entry(stack.to_string()).or_default() += count,
                None => bad_lines += 1,
            }
        }
        (f, bad_lines)
    }

    /// Samples per stack (`root;...;leaf`), in stack order.
    pub fn counts(&self) -> &BTreeMap<String, u64> {
        &self.counts
    }
}

/// Index of the outermost region frame in `frames` (root first), if any.
pub fn region_cut(frames: &[impl AsRef<str>]) -> Option<usize> {
    frames.iter().position(|f| is_region_frame(f.as_ref()))
}

/// Whether a symbolised frame is the measured region's.
pub fn is_region_frame(name: &str) -> bool {
    name.contains(REGION_FRAME)
}

/// A frame name made safe for the folded format and easy to read: the
/// legacy-mangling hash suffix (`::h0123456789abcdef`) is dropped, `;`
/// (a separator there, but found in array types such as `[u8; 16]`) becomes
/// `:`, and line breaks become spaces.
pub fn frame_label(name: &str) -> String {
    let name = strip_symbol_hash(name);
    name.replace(';', ":").replace(['\n', '\r'], " ")
}

/// `name` without a trailing `::h` + 16 hex digits.
fn strip_symbol_hash(name: &str) -> &str {
    if let Some(i) = name.rfind("::h") {
        let hash = &name[i + 3..];
        if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return &name[..i];
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(s: &str) -> Vec<&str> {
        s.split(';').collect()
    }

    #[test]
    fn the_text_reads_back_as_the_same_stacks() {
        let mut f = FoldedStacks::new();
        f.add(&stack("a;b;c"), 3);
        f.add(&stack("a;d"), 2);
        let (back, bad) = FoldedStacks::parse(&format!("{}junk\n\n", f.to_text()));
        assert_eq!((back, bad), (f, 1));
    }

    #[test]
    fn only_region_stacks_are_kept_and_each_starts_at_the_region() {
        let mut f = FoldedStacks::new();
        let region = "mapamp::region::measured_region::h0123456789abcdef";
        assert!(f.add_region(
            &stack(&format!("main;bench::run;{region};gomap::assign;memcpy")),
            3
        ));
        assert!(f.add_region(&stack(&format!("main;bench::run;{region};gomap::grow")), 2));
        assert!(!f.add_region(&stack("main;bench::setup;gomap::assign"), 7));
        assert!(!f.add_region(&stack("main;keys::generate"), 4));
        assert_eq!(f.samples(), 5);
        for line in f.lines() {
            assert!(
                line.starts_with("mapamp::region::measured_region;"),
                "{line}"
            );
        }
    }

    #[test]
    fn nested_regions_are_cut_at_the_outermost() {
        let mut f = FoldedStacks::new();
        f.add_region(&stack("main;measured_region;a;measured_region;b"), 1);
        assert_eq!(f.lines(), ["measured_region;a;measured_region;b 1"]);
    }

    #[test]
    fn output_is_sorted_and_merges_equal_stacks() {
        let mut f = FoldedStacks::new();
        f.add_region(&stack("x;measured_region;zeta"), 1);
        f.add_region(&stack("y;measured_region;alpha;beta"), 2);
        f.add_region(&stack("z;measured_region;zeta"), 4);
        f.add_region(&stack("measured_region"), 1);
        assert_eq!(
            f.to_text(),
            "measured_region 1\nmeasured_region;alpha;beta 2\nmeasured_region;zeta 5\n"
        );
        // Insertion order does not matter.
        let mut g = FoldedStacks::new();
        g.add_region(&stack("measured_region"), 1);
        g.add_region(&stack("z;measured_region;zeta"), 5);
        g.add_region(&stack("y;measured_region;alpha;beta"), 2);
        assert_eq!(f, g);
    }

    #[test]
    fn labels_are_safe_for_the_folded_format() {
        assert_eq!(frame_label("a::b::h0123456789abcdef"), "a::b");
        assert_eq!(frame_label("a::hash"), "a::hash");
        assert_eq!(
            frame_label("<[u8; 16] as Pod>::write"),
            "<[u8: 16] as Pod>::write"
        );
        let mut f = FoldedStacks::new();
        f.add(&["measured_region", "<[u8; 16] as Pod>::write"], 1);
        assert_eq!(f.lines(), ["measured_region;<[u8: 16] as Pod>::write 1"]);
    }

    #[test]
    fn empty_stacks_and_zero_counts_add_nothing() {
        let mut f = FoldedStacks::new();
        f.add(&[] as &[&str], 3);
        f.add(&["measured_region"], 0);
        assert!(f.is_empty() && f.samples() == 0 && f.to_text().is_empty());
    }
}
