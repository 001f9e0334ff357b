//! Number formatting shared by the renderings: one precision rule, one way to
//! say "not measured".
//!
//! Figures print three significant digits below 1000 and whole, grouped
//! numbers above (`12.3`, `0.0123`, `1,235`); very small magnitudes switch to
//! scientific notation rather than rounding to a misleading `0.000`. A figure
//! that was not measured prints [`not_available`]`(reason)`, never `0`.

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
}
