//! `mapamp claims`: every verdict is computed from live figures. Each test
//! moves a knob (load factor, preallocation, hint, entry count, sample
//! size) and checks that the figure and the verdict move with it, so no
//! verdict can be a constant.

use mapamp::claims;
use mapamp::gomap::Knobs;
use mapamp::report::schema::{ClaimOutcome, ClaimVerdict};

fn figure<'a>(c: &'a ClaimVerdict, name_starts: &str) -> &'a str {
    &c.figures
        .iter()
        .find(|f| f.name.starts_with(name_starts))
        .unwrap_or_else(|| panic!("{}: no figure `{name_starts}`: {:?}", c.id, c.figures))
        .value
}

/// The numbers in a figure's text, in order.
fn numbers(s: &str) -> Vec<f64> {
    s.split(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
        .filter_map(|t| t.trim_matches('.').parse().ok())
        .collect()
}

#[test]
fn growth_points_follow_the_load_factor() {
    let go = claims::growth_doubles(6.5, 1 << 12);
    assert_eq!(go.verdict, ClaimOutcome::Holds, "{go:?}");
    assert!(figure(&go, "first growth points").starts_with("8→B1, 13→B2, 26→B3"));
    let other = claims::growth_doubles(8.0, 1 << 12);
    assert_eq!(other.verdict, ClaimOutcome::DoesNotHold, "{other:?}");
    assert!(figure(&other, "first growth points").contains("16→B2"));
}

#[test]
fn same_size_growth_trigger_scales_with_the_table() {
    let small = claims::same_size_growth(2_000);
    let large = claims::same_size_growth(20_000);
    for c in [&small, &large] {
        assert_eq!(c.verdict, ClaimOutcome::Holds, "{c:?}");
    }
    let trigger = |c: &ClaimVerdict| numbers(figure(c, "noverflow at the trigger"))[0];
    // 2^B buckets: ten times the entries, a table 8 or 16 times larger.
    assert!(
        trigger(&large) >= 8.0 * trigger(&small),
        "{small:?} {large:?}"
    );
}

#[test]
fn preallocation_claim_follows_the_knob() {
    let on = claims::prealloc_from_b4(true);
    assert_eq!(on.verdict, ClaimOutcome::Holds, "{on:?}");
    let off = claims::prealloc_from_b4(false);
    assert_eq!(off.verdict, ClaimOutcome::DoesNotHold, "{off:?}");
    assert_eq!(
        figure(&off, "preallocated"),
        "B1:0 B2:0 B3:0 B4:0 B5:0 B6:0 B7:0 B8:0"
    );
}

#[test]
fn chain_length_does_not_change_bytes_per_write() {
    let c = claims::long_chains(Knobs::default());
    assert_eq!(c.verdict, ClaimOutcome::DoesNotHold, "{c:?}");
    let rows = figure(&c, "bytes written per write");
    assert_eq!(rows.matches("B/write").count(), 5, "{rows}");
    // Each write stores at least its slot: tophash + 8-byte key + 8-byte value.
    for row in rows.split("; ") {
        let n = numbers(row);
        assert!(n[1] >= 17.0, "{row}");
    }
}

#[test]
fn presizing_claim_needs_a_big_enough_hint() {
    let full = claims::presizing(10_000, 1.0);
    assert_eq!(full.verdict, ClaimOutcome::Holds, "{full:?}");
    assert_eq!(figure(&full, "evacuation bytes with hint"), "0");
    let short = claims::presizing(10_000, 0.25);
    assert_eq!(short.verdict, ClaimOutcome::DoesNotHold, "{short:?}");
    assert!(numbers(figure(&short, "evacuation bytes with hint"))[0] > 0.0);
}

#[test]
fn slab_claim_counts_allocations() {
    let c = claims::slab_allocations(8 * 600);
    assert_eq!(c.verdict, ClaimOutcome::Holds, "{c:?}");
    let n = numbers(figure(&c, "model allocations"));
    assert!(n[0] > 10.0 * n[1], "{c:?}");
    // Twice the overflow buckets: gomap allocates about twice as often.
    let d = claims::slab_allocations(16 * 600);
    let m = numbers(figure(&d, "model allocations"));
    assert!(m[0] > 1.8 * n[0], "{c:?} {d:?}");
}

#[test]
fn inline_claim_holds_up_to_one_bucket() {
    let eight = claims::inline_small_maps(8);
    assert_eq!(eight.verdict, ClaimOutcome::Holds, "{eight:?}");
    let nine = claims::inline_small_maps(9);
    assert_eq!(nine.verdict, ClaimOutcome::DoesNotHold, "{nine:?}");
}

#[test]
fn entropy_falls_short_of_ideal_by_the_sampling_noise() {
    let few = claims::fnv_entropy(5_000).unwrap();
    let many = claims::fnv_entropy(200_000).unwrap();
    let bits = |c: &ClaimVerdict| numbers(figure(c, "entropy, 1024 buckets"))[0];
    // About (M - 1) / (2 N ln 2) bits below 10: ~0.148 at 5k keys, ~0.004 at 200k.
    assert!(bits(&few) < 9.9 && bits(&many) > 9.99, "{few:?} {many:?}");
    // FNV-1a is uniform at both sizes: the shortfall is sampling noise.
    assert_eq!(few.verdict, ClaimOutcome::Holds, "{few:?}");
    assert_eq!(many.verdict, ClaimOutcome::Holds, "{many:?}");
}

#[test]
fn near_uniform_rejects_skew_beyond_sampling_noise() {
    let expected = claims::expected_entropy_shortfall(100_000, 1024);
    assert!((expected - 0.00738).abs() < 1e-4, "{expected}");
    assert!(claims::near_uniform(expected, Some(0.5), 100_000, 1024));
    assert!(!claims::near_uniform(
        4.0 * expected,
        Some(0.5),
        100_000,
        1024
    ));
    assert!(!claims::near_uniform(expected, Some(0.0001), 100_000, 1024));
}

#[test]
fn locate_speed_is_measured() {
    let c = claims::fnv_speed(20_000).unwrap();
    let fnv = numbers(figure(&c, "FNV-1a"))[0];
    let xxh = numbers(figure(&c, "xxh3"))[0];
    assert!(fnv > 0.0 && xxh > 0.0, "{c:?}");
    assert_eq!(c.verdict == ClaimOutcome::Holds, fnv <= 12.0, "{c:?}");
}

#[test]
fn wa_formula_rows_are_measured() {
    let c = claims::wa_formula(5_000);
    let rows = figure(&c, "measured WA");
    assert_eq!(rows.split("; ").count(), 8, "{rows}");
    // Lower load (bigger presized table) means more zeroing per payload byte.
    let wa: Vec<f64> = rows.split("; ").map(|r| numbers(r)[2]).collect();
    assert!(wa[0] > wa[6], "{rows}");
    assert!(wa.iter().all(|&w| w > 1.0), "{rows}");
}

#[test]
fn stored_go_measurements_and_untestable_claims_say_why() {
    let c = claims::incremental_since_1_22();
    assert_eq!(c.verdict, ClaimOutcome::DoesNotHold, "{c:?}");
    assert!(c.reason.contains("go1.19"), "{}", c.reason);
    // Measured on the real runtimes when a Go toolchain is here; otherwise
    // the reason says which toolchain is missing and how to install it.
    let g = claims::gomapinit();
    match g.verdict {
        ClaimOutcome::DoesNotHold => assert!(g.reason.contains("same bytes"), "{g:?}"),
        ClaimOutcome::NotTestableHere => assert!(g.reason.contains("install"), "{g:?}"),
        ClaimOutcome::Holds => panic!("GOMAPINIT changed a Go map's allocation: {g:?}"),
    }
}
