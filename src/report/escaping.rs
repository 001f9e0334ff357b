//! Making report data safe to print.
//!
//! Everything a rendering prints that comes from `report.json` (cell ids,
//! reasons, names, the profile text, file paths) is untrusted text: a
//! report may be hand-edited, merged from another machine or simply carry a
//! tool's error message full of `<` and `&`. This module owns the three ways
//! such text is made safe:
//! - [`escape`]: HTML and SVG text *and* double- or single-quoted attribute
//!   values (one function for both, so there is no "which one?" mistake);
//! - [`escape_markdown`]: one line of Markdown text (table cells included);
//! - [`relative_href`]: a file path from the report turned into a link target,
//!   or refused when it could leave the report folder or run script.

/// Escapes `s` for HTML/SVG text and quoted attribute values: `&`, `<`, `>`,
/// `"` and `'` become entities; control characters other than tab, line feed
/// and carriage return (never valid in XML) become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes `s` as one line of Markdown text, safe inside a table cell: line
/// breaks and control characters become spaces, and the characters that
/// start Markdown or HTML syntax (`\ ` `` ` `` `* [ ] < > | & !`) are
/// backslash-escaped, so the text renders literally and cannot open a tag,
/// a link or a new table column.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A link target for a file path the report gives relative to its folder,
/// or `None` when the path must not become a link.
///
/// Accepted: non-empty relative paths of `/`-separated segments, none of
/// them empty or `..`, with no `:` anywhere (so no `javascript:`, `http:`,
/// `C:`) and no `\`. Refused: absolute paths, parent references, schemes,
/// protocol-relative `//host` forms. Characters other than
/// `A-Z a-z 0-9 - . _ ~ = + /` are percent-encoded (UTF-8), so `?`, `#`, `%`
/// and spaces stay part of the file name. The result still goes through
/// [`escape`] when printed.
pub fn relative_href(path: &str) -> Option<String> {
    if path.is_empty() || path.contains(':') || path.contains('\\') {
        return None;
    }
    if path.split('/').any(|seg| seg.is_empty() || seg == "..") {
        return None;
    }
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~=+/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<script>alert(\"x\")</script> & 'q' \"dq\"";

    #[test]
    fn escape_leaves_no_markup_in_text() {
        let e = escape(HOSTILE);
        assert_eq!(
            e,
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; &quot;dq&quot;"
        );
        for bad in ['<', '>', '"', '\''] {
            assert!(!e.contains(bad), "{bad} survived in {e}");
        }
        // Every `&` left is the start of an entity we wrote.
        for (i, _) in e.match_indices('&') {
            let rest = &e[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|ent| rest.starts_with(ent)),
                "stray & at {i} in {e}"
            );
        }
    }

    #[test]
    fn escape_is_safe_inside_attributes_and_svg_text() {
        // An attribute value cannot be closed from inside, whatever the quote.
        let attr = format!(
            "<a title=\"{}\" data-x='{}'>",
            escape(HOSTILE),
            escape(HOSTILE)
        );
        assert_eq!(attr.matches('"').count(), 2);
        assert_eq!(attr.matches('\'').count(), 2);
        assert_eq!(attr.matches('<').count(), 1);
        // SVG text: an entity-looking string is escaped, not passed through.
        let svg = format!("<text>{}</text>", escape("&lt;b&gt; ]]> <![CDATA["));
        assert_eq!(svg, "<text>&amp;lt;b&amp;gt; ]]&gt; &lt;![CDATA[</text>");
    }

    #[test]
    fn escape_replaces_control_characters() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td\ne"), "a\u{FFFD}b\u{FFFD}c\td\ne");
        assert_eq!(escape("µs ≥ 95% ×"), "µs ≥ 95% ×");
    }

    #[test]
    fn markdown_escape_keeps_one_cell_and_no_tags() {
        let e = escape_markdown("a|b\nc <script>x</script> [l](javascript:x) `c` & \\");
        assert_eq!(
            e,
            "a\\|b c \\<script\\>x\\</script\\> \\[l\\](javascript:x) \\`c\\` \\& \\\\"
        );
        assert!(!e.contains('\n'));
        // Every `|` and `<` is escaped.
        for (i, c) in e.char_indices() {
            if c == '|' || c == '<' {
                assert_eq!(&e[i - 1..i], "\\", "unescaped {c} at {i} in {e}");
            }
        }
        assert_eq!(
            escape_markdown("evacuate_double/n=1024"),
            "evacuate_double/n=1024"
        );
    }

    #[test]
    fn hrefs_are_relative_paths_inside_the_folder() {
        assert_eq!(
            relative_href("evacuate_double/gomap/n=1024/k8v8/flamegraph.svg").as_deref(),
            Some("evacuate_double/gomap/n=1024/k8v8/flamegraph.svg")
        );
        assert_eq!(
            relative_href("a b/c?d#e%f\"<x>.svg").as_deref(),
            Some("a%20b/c%3Fd%23e%25f%22%3Cx%3E.svg")
        );
        assert_eq!(relative_href("./x.svg").as_deref(), Some("./x.svg"));
        assert_eq!(relative_href("é.svg").as_deref(), Some("%C3%A9.svg"));
    }

    #[test]
    fn hrefs_refuse_schemes_absolute_and_parent_paths() {
        for bad in [
            "",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>x</script>",
            "http://example.com/x.svg",
            "//example.com/x.svg",
            "/etc/passwd",
            "../outside.svg",
            "a/../../outside.svg",
            "a/..",
            "..",
            "a//b.svg",
            "a/",
            "C:\\x.svg",
            "a\\..\\b",
            "file:///etc/passwd",
        ] {
            assert_eq!(relative_href(bad), None, "{bad:?} must not become a link");
        }
    }
}
