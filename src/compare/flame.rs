//! Differential profiles of a matched cell: reading folded stacks,
//! normalising B to A's sample total, the per-function table of inclusive
//! shares, and the inferno differential flame graph.
//!
//! Pipeline: `folded.txt` (A) + `folded.txt` (B) → [`parse_folded`] →
//! [`diff`] (B scaled by A's total / B's total, so a longer or shorter
//! profile does not paint the whole graph red or blue; inclusive shares per
//! function) → [`render_svg`] (inferno's `differential` module writes the
//! two-column stacks, its `flamegraph` module draws them: red where B has
//! more samples, blue where it has fewer).
//!
//! A differential graph has the shape of one profile. `diff.svg` has B's,
//! so it shows what B spends time on, but a path B no longer takes (the
//! evacuation a size hint removes) is simply absent; `diff-a-shape.svg`
//! draws the same change in A's shape, where such a path shows in blue
//! (Brendan Gregg's advice: look at both).
//!
//! Inferno colours a frame by the change of its *own* (leaf) samples, so a
//! frame whose children shifted can look neutral. The per-function table is
//! therefore the figure of record: for each function, the fraction of
//! samples whose stack contains it (inclusive share), on each side.

use super::schema::{FlameDiff, FunctionShare};
use super::Which;
use crate::lens::folded::FoldedStacks;
use std::collections::{BTreeMap, BTreeSet};

/// Rows of the per-function table kept per cell.
pub const TOP_FUNCTIONS: usize = 20;

/// File name of the differential graph in B's shape.
pub const SVG_B_SHAPE: &str = "diff.svg";

/// File name of the differential graph in A's shape.
pub const SVG_A_SHAPE: &str = "diff-a-shape.svg";

/// One side's folded stacks ([`FoldedStacks`], the lenses' type) as read
/// from its file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Folded {
    /// Samples per stack (duplicates merged).
    pub stacks: FoldedStacks,
    /// Sum of all samples.
    pub total: u64,
    /// Non-empty lines that were not `stack count`.
    pub bad_lines: usize,
}

/// Parses `frame;frame;frame count` lines ([`FoldedStacks::parse`]).
pub fn parse_folded(text: &str) -> Folded {
    let (stacks, bad_lines) = FoldedStacks::parse(text);
    Folded {
        total: stacks.samples(),
        stacks,
        bad_lines,
    }
}

/// Fraction of samples whose stack contains each function (each function
/// counted once per stack, however often it recurses).
pub fn inclusive_shares(f: &Folded) -> BTreeMap<String, f64> {
    let mut samples: BTreeMap<&str, u64> = BTreeMap::new();
    for (stack, &count) in f.stacks.counts() {
        let frames: BTreeSet<&str> = stack.split(';').collect();
        for frame in frames {
            *samples.entry(frame).or_default() += count;
        }
    }
    samples
        .into_iter()
        .map(|(name, n)| {
            let share = if f.total == 0 {
                0.0
            } else {
                n as f64 / f.total as f64
            };
            (name.to_string(), share)
        })
        .collect()
}

/// The two inputs inferno diffs: A as is, B scaled to A's total.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffStacks {
    /// A's folded stacks.
    pub before: String,
    /// B's folded stacks, counts scaled and rounded.
    pub after: String,
}

/// The figures of a differential profile, and inferno's inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Diff {
    /// For `compare.json`.
    pub figures: FlameDiff,
    /// For [`render_svg`].
    pub stacks: DiffStacks,
}

/// A side whose folded stacks have no samples: there is nothing to diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{side}'s folded stacks have no samples")]
pub struct NoSamples {
    /// The side.
    pub side: Which,
}

/// Diffs two folded profiles. `dir` is the cell's folder relative to the
/// comparison folder (`cells/<id>`), where the graphs will be written.
/// Errors when a side has no samples.
pub fn diff(a: &Folded, b: &Folded, dir: &str) -> Result<Diff, NoSamples> {
    for (side, f) in [(Which::A, a), (Which::B, b)] {
        if f.total == 0 {
            return Err(NoSamples { side });
        }
    }
    let scale_b = a.total as f64 / b.total as f64;
    let mut notes = Vec::new();
    for (side, f) in [("A", a), ("B", b)] {
        if f.bad_lines > 0 {
            notes.push(format!(
                "{side}: {} line(s) of the folded stacks were not `stack count` and were ignored",
                f.bad_lines
            ));
        }
    }

    let (sa, sb) = (inclusive_shares(a), inclusive_shares(b));
    let names: BTreeSet<&String> = sa.keys().chain(sb.keys()).collect();
    let mut functions: Vec<FunctionShare> = names
        .into_iter()
        .map(|name| {
            let share_a = sa.get(name).copied().unwrap_or(0.0);
            let share_b = sb.get(name).copied().unwrap_or(0.0);
            FunctionShare {
                function: name.clone(),
                share_a,
                share_b,
                delta: share_b - share_a,
            }
        })
        .collect();
    functions.sort_by(|x, y| {
        y.delta
            .abs()
            .total_cmp(&x.delta.abs())
            .then_with(|| x.function.cmp(&y.function))
    });
    functions.truncate(TOP_FUNCTIONS);

    let lines = |f: &Folded, scale: f64| -> String {
        f.stacks
            .counts()
            .iter()
            .map(|(stack, &n)| format!("{stack} {}\n", (n as f64 * scale).round() as u64))
            .collect()
    };
    Ok(Diff {
        figures: FlameDiff {
            svg: format!("{dir}/{SVG_B_SHAPE}"),
            svg_a_shape: format!("{dir}/{SVG_A_SHAPE}"),
            samples_a: a.total,
            samples_b: b.total,
            scale_b,
            notes,
            functions,
        },
        stacks: DiffStacks {
            before: lines(a, 1.0),
            after: lines(b, scale_b),
        },
    })
}

/// Whose profile gives a differential graph its shape (frame widths).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// B's: what B does, coloured by change. Paths that vanished in B are
    /// not drawn (`diff.svg`).
    B,
    /// A's: what A did, coloured by the same change (B − A), so paths that
    /// vanished in B show in blue (`diff-a-shape.svg`).
    A,
}

/// Why inferno could not draw a differential flame graph (its chain is
/// written into the differential profile's `unavailable` reason).
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// The two-column stacks could not be written.
    #[error("differential stacks")]
    Differential(#[source] std::io::Error),
    /// The graph could not be drawn.
    #[error("flame graph")]
    FlameGraph(#[source] std::io::Error),
    /// The graph is not text.
    #[error("flame graph is not UTF-8")]
    NotUtf8(#[source] std::string::FromUtf8Error),
}

/// Draws a differential flame graph: red where B has more (scaled)
/// samples than A, blue where fewer, in the given [`Shape`].
pub fn render_svg(
    stacks: &DiffStacks,
    shape: Shape,
    title: &str,
    subtitle: &str,
) -> Result<String, DrawError> {
    use inferno::{differential, flamegraph};
    // inferno draws the second column's shape and colours by second − first;
    // for A's shape, swap the columns and negate the colours.
    let (first, second) = match shape {
        Shape::B => (&stacks.before, &stacks.after),
        Shape::A => (&stacks.after, &stacks.before),
    };
    let mut two_column = Vec::new();
    differential::from_readers(
        differential::Options::default(),
        first.as_bytes(),
        second.as_bytes(),
        &mut two_column,
    )
    .map_err(DrawError::Differential)?;
    let mut opts = flamegraph::Options::default();
    opts.title = title.to_string();
    opts.subtitle = Some(subtitle.to_string());
    opts.deterministic = true;
    opts.negate_differentials = shape == Shape::A;
    opts.count_name = match shape {
        Shape::B => "samples of B (scaled to A's total)".into(),
        Shape::A => "samples of A".into(),
    };
    let mut svg = Vec::new();
    flamegraph::from_reader(&mut opts, two_column.as_slice(), &mut svg)
        .map_err(DrawError::FlameGraph)?;
    String::from_utf8(svg).map_err(DrawError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lines_merge_and_bad_lines_are_counted() {
        let f = parse_folded("main;a;b 3\nmain;a 2\nmain;a;b 1\n\nnot a count x\nlonely\n");
        assert_eq!(f.total, 6);
        assert_eq!(f.stacks.counts()["main;a;b"], 4);
        assert_eq!(f.bad_lines, 2);
    }

    #[test]
    fn inclusive_shares_count_a_function_once_per_stack() {
        // main is in every stack; rec recurses in one stack of 2 samples.
        let f = parse_folded("main;rec;rec;leaf 2\nmain;other 2\n");
        let s = inclusive_shares(&f);
        assert_eq!(s["main"], 1.0);
        assert_eq!(s["rec"], 0.5);
        assert_eq!(s["leaf"], 0.5);
        assert_eq!(s["other"], 0.5);
    }

    #[test]
    fn b_is_scaled_to_a_total_and_the_table_ranks_by_absolute_delta() {
        let a = parse_folded("main;grow 50\nmain;assign 50\n");
        // B has twice the samples; grow fell from 50% to 10%.
        let b = parse_folded("main;grow 20\nmain;assign 180\n");
        let d = diff(&a, &b, "cells/x").unwrap();
        assert_eq!(d.figures.scale_b, 0.5);
        assert_eq!(d.stacks.after, "main;assign 90\nmain;grow 10\n");
        let f = &d.figures.functions;
        assert_eq!(f.len(), 3);
        // assign +0.4 and grow -0.4 tie on |delta|: by name.
        assert_eq!(f[0].function, "assign");
        assert!((f[0].delta - 0.4).abs() < 1e-12);
        assert_eq!(f[1].function, "grow");
        assert!((f[1].delta + 0.4).abs() < 1e-12);
        assert_eq!((f[2].function.as_str(), f[2].delta), ("main", 0.0));
    }

    #[test]
    fn a_vanished_path_shows_only_in_a_shape() {
        let a = parse_folded("main;evacuate 40\nmain;assign 60\n");
        let b = parse_folded("main;assign 60\n");
        let d = diff(&a, &b, "cells/x").unwrap();
        let in_b = render_svg(&d.stacks, Shape::B, "t", "s").unwrap();
        let in_a = render_svg(&d.stacks, Shape::A, "t", "s").unwrap();
        assert!(!in_b.contains("evacuate"));
        assert!(in_a.contains("evacuate"));
    }

    #[test]
    fn empty_profiles_give_a_reason() {
        let a = parse_folded("main 1\n");
        let e = diff(&a, &parse_folded(""), "cells/x").unwrap_err();
        assert_eq!(e, NoSamples { side: Which::B });
        assert_eq!(crate::error::chain(&e), "B's folded stacks have no samples");
    }

    #[test]
    fn the_svg_escapes_frame_names() {
        let a = parse_folded("main;<script>alert(1)</script> 5\nmain;x 5\n");
        let b = parse_folded("main;<script>alert(1)</script> 1\nmain;x 9\n");
        let d = diff(&a, &b, "cells/x").unwrap();
        for shape in [Shape::A, Shape::B] {
            let svg = render_svg(&d.stacks, shape, "t <b>", "s").unwrap();
            assert!(svg.starts_with("<?xml"), "{}", &svg[..80]);
            assert!(
                !svg.contains("<script>alert"),
                "frame names must be escaped"
            );
            assert!(!svg.contains("t <b>"));
        }
    }
}
