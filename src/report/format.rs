//! Number formatting shared by the renderings: one precision rule, one way to
//! say "not measured".
//!
//! Figures print three significant digits below 1000 and whole, grouped
//! numbers above (`12.3`, `0.0123`, `1,235`); very small magnitudes switch to
//! scientific notation rather than rounding to a misleading `0.000`. A figure
//! that was not measured prints [`not_available`]`(reason)`, never `0`.
//!
//! `mapamp compare` prints two runs' figures side by side, where a
//! difference must stay visible: [`value`] keeps more digits (integers in
//! full, fixed decimals by magnitude, no grouping) and the `Option` forms
//! print an absent side as `—`. Both precisions live here, so one module
//! decides how every figure prints.

/// `n/a (reason)`: how every missing figure prints.
pub fn not_available(reason: &str) -> String {
    format!("n/a ({reason})")
}

/// A measured number with sensible precision (see the module doc).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return not_available("not a finite number");
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a >= 1e15 {
        return format!("{sign}{a:.2e}");
    }
    if a < 1e-3 {
        return format!("{sign}{a:.2e}");
    }
    if a >= 999.5 {
        return format!("{sign}{}", integer(a.round() as u64));
    }
    let mut decimals = (2 - a.log10().floor() as i32).max(0) as usize;
    let text = format!("{a:.decimals$}");
    // Rounding can add a digit (9.996 -> 10.00): drop one decimal then.
    let rounded: f64 = text.parse().unwrap_or(a);
    if decimals > 0 && rounded.log10().floor() > a.log10().floor() {
        decimals -= 1;
    }
    format!("{sign}{a:.decimals$}")
}

/// A whole number with `,` between groups of three digits.
pub fn integer(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share in 0..1 as a percentage with one decimal (`97.1%`).
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return not_available("not a finite number");
    }
    format!("{:.1}%", share * 100.0)
}

/// A byte count in binary units (`512 B`, `1.50 KiB`, `12.3 MiB`).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{} {}", number(value), UNITS[unit])
}

/// A duration in nanoseconds with its unit (`12.3 ns`, `1,235 ns`).
pub fn nanos(x: f64) -> String {
    if !x.is_finite() {
        return not_available("not a finite number");
    }
    format!("{} ns", number(x))
}

/// A figure: integers as integers, others with decimals by magnitude.
pub fn value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else if v.abs() >= 1000.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// An optional figure; `—` when absent.
pub fn opt_value(v: Option<f64>) -> String {
    v.map(value).unwrap_or_else(|| "—".into())
}

/// A difference, signed.
pub fn delta(v: Option<f64>) -> String {
    match v {
        Some(d) if d > 0.0 => format!("+{}", value(d)),
        Some(d) => value(d),
        None => "—".into(),
    }
}

/// A ratio B / A.
pub fn ratio(v: Option<f64>) -> String {
    v.map(|r| format!("{r:.3}")).unwrap_or_else(|| "—".into())
}

/// A relative change of a row with figures: `+12.50%`; `from 0` when A is 0.
pub fn change(c: Option<f64>, has_figures: bool) -> String {
    match (c, has_figures) {
        (Some(c), _) => format!("{:+.2}%", c * 100.0),
        (None, true) => "from 0".into(),
        (None, false) => "—".into(),
    }
}

/// A fraction as a percentage without trailing zeros: 0.02 → `2%`.
pub fn pct(fraction: f64) -> String {
    let s = format!("{:.4}", fraction * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// A fraction as a percentage with one decimal: 0.0432 → `±4.3%`.
pub fn pct_1(fraction: f64) -> String {
    format!("±{:.1}%", fraction * 100.0)
}

/// A share of samples: `12.34%`.
pub fn share(s: f64) -> String {
    format!("{:.2}%", s * 100.0)
}

/// A change of share in percentage points: `+3.21 pp`.
pub fn share_delta(d: f64) -> String {
    let d = if d.abs() < 0.00005 { 0.0 } else { d };
    format!("{:+.2} pp", d * 100.0)
}

/// A p-value.
pub fn p_value(p: f64) -> String {
    if p < 0.0001 {
        "p < 0.0001".into()
    } else {
        format!("p = {p:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_significant_digits_then_grouped_integers() {
        let cases = [
            (0.0, "0"),
            (1.0, "1.00"),
            (1.8523, "1.85"),
            (12.345, "12.3"),
            (123.44, "123"),
            (999.4, "999"),
            (999.6, "1,000"),
            (1234.5, "1,235"),
            (1048576.0, "1,048,576"),
            (0.1234, "0.123"),
            (0.01234, "0.0123"),
            (0.0001234, "1.23e-4"),
            (9.996, "10.0"),
            (99.96, "100"),
            (-2.5, "-2.50"),
            (2e16, "2.00e16"),
        ];
        for (x, want) in cases {
            assert_eq!(number(x), want, "number({x})");
        }
    }

    #[test]
    fn unmeasured_and_non_finite_never_print_zero() {
        assert_eq!(number(f64::NAN), "n/a (not a finite number)");
        assert_eq!(number(f64::INFINITY), "n/a (not a finite number)");
        assert_eq!(percent(f64::NAN), "n/a (not a finite number)");
        assert_eq!(nanos(f64::NAN), "n/a (not a finite number)");
        assert_eq!(not_available("time skipped"), "n/a (time skipped)");
    }

    #[test]
    fn integers_percentages_and_bytes() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(1000), "1,000");
        assert_eq!(integer(1234567), "1,234,567");
        assert_eq!(percent(0.97123), "97.1%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.50 KiB");
        assert_eq!(bytes(12 * 1024 * 1024 + 300 * 1024), "12.3 MiB");
        assert_eq!(bytes(3 << 30), "3.00 GiB");
        assert_eq!(nanos(12.34), "12.3 ns");
    }

    #[test]
    fn figures_format_by_magnitude() {
        assert_eq!(value(17408.0), "17408");
        assert_eq!(value(8.53125), "8.531");
        assert_eq!(value(1234.56), "1234.6");
        assert_eq!(value(0.012345), "0.0123");
        assert_eq!(delta(Some(3.0)), "+3");
        assert_eq!(delta(Some(-0.5)), "-0.5000");
        assert_eq!(change(Some(-0.25), true), "-25.00%");
        assert_eq!(change(None, true), "from 0");
        assert_eq!(pct(0.02), "2%");
        assert_eq!(pct(0.1), "10%");
        assert_eq!(pct(0.025), "2.5%");
        assert_eq!(share_delta(-0.00001), "+0.00 pp");
    }
}
