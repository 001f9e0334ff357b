//! SARIF 2.1.0 (what GitHub code scanning reads) of a [`LintReport`]: one
//! run, one rule per language, one result per finding with its location,
//! its fix (byte-exact replacements) and its cost as message text and
//! properties. Paths are relative to the linted root (`%SRCROOT%`).

use super::cost::Pricing;
use super::render::{cost_summary, set_line};
use super::{Language, LintReport};
use serde_json::{json, Value};

/// The schema URI SARIF files name.
pub const SCHEMA_URI: &str =
    "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";

fn rule(language: Language) -> Value {
    let (name, short, full) = match language {
        Language::Go => (
            "GoMapWithoutSizeHint",
            "Go map filled by a loop of known trip count, made without a size hint",
            "A map made by make(map[K]V), make(map[K]V, 0) or map[K]V{} and then filled by a range or counted loop whose trip count is known where the map is made grows while the loop runs; the hint the loop knows removes those growth copies.",
        ),
        Language::Rust => (
            "RustHashMapWithoutCapacity",
            "Rust HashMap/HashSet filled by a loop of known length, made without a capacity",
            "A HashMap or HashSet made by new(), default() or with_hasher() and then filled by insert in a for loop over something of known length reallocates and rehashes while the loop runs; with_capacity removes those copies.",
        ),
    };
    json!({
        "id": language.rule_id(),
        "name": name,
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "help": { "text": "Give the map the hint (Go: make(T, hint); Rust: with_capacity(hint)). mapamp lint prints what the missing hint costs, priced with mapamp's models." },
        "defaultConfiguration": { "level": "warning" }
    })
}

/// Percent-encodes a relative path for a URI (unreserved characters and `/` kept).
fn uri_path(p: &str) -> String {
    let mut out = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SARIF log of a report. `root_uri` is the absolute `file://` URI of
/// the linted folder (ending in `/`), or `None` to leave `%SRCROOT%` to
/// the consumer.
pub fn sarif(r: &LintReport, root_uri: Option<&str>) -> Value {
    let languages = [Language::Go, Language::Rust];
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|pf| {
            let f = &pf.finding;
            let artifact = json!({ "uri": uri_path(&f.file), "uriBaseId": "SRCROOT" });
            let cost_text = match &pf.cost {
                Pricing::Priced(c) => match set_line(c) {
                    Some(set) => format!("Cost {}. {set}.", cost_summary(c)),
                    None => format!("Cost {}.", cost_summary(c)),
                },
                Pricing::Unavailable { reason } => format!("Cost not priced: {reason}."),
            };
            let mut result = json!({
                "ruleId": f.language.rule_id(),
                "ruleIndex": languages.iter().position(|&l| l == f.language).unwrap_or(0),
                "level": "warning",
                "message": { "text": format!("{} {}", f.message, cost_text) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": f.start.line,
                            "startColumn": f.start.column,
                            "endLine": f.end.line,
                            "endColumn": f.end.column
                        }
                    }
                }],
                "properties": {
                    "map": f.map,
                    "hint": f.hint,
                    "exact": f.exact,
                    "loopLine": f.loop_line,
                    "cost": pf.cost
                }
            });
            if !f.fix.is_empty() {
                result["fixes"] = json!([{
                    "description": { "text": f.fix_description },
                    "artifactChanges": [{
                        "artifactLocation": artifact,
                        "replacements": f.fix.iter().map(|e| json!({
                            "deletedRegion": { "byteOffset": e.start, "byteLength": e.end - e.start },
                            "insertedContent": { "text": e.new_text }
                        })).collect::<Vec<_>>()
                    }]
                }]);
            }
            result
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "mapamp lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": languages.map(rule)
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results
    });
    if let Some(uri) = root_uri {
        run["originalUriBaseIds"] = json!({ "SRCROOT": { "uri": uri } });
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run]
    })
}

/// The `file://` URI of an absolute folder, ending in `/`.
pub fn folder_uri(abs: &std::path::Path) -> String {
    let s = abs.to_string_lossy();
    let mut u = format!("file://{}", uri_path(&s));
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("a b/ç.go"), "a%20b/%C3%A7.go");
        assert_eq!(
            folder_uri(std::path::Path::new("/x y/z")),
            "file:///x%20y/z/"
        );
    }
}
