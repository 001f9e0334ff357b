//! The direction of dependencies between the library's top-level modules.
//!
//! Reads every `src/**/*.rs` file as text and collects the top-level
//! modules it names through `crate::…` paths (`use crate::a::b`,
//! `crate::a::f()`, `use crate::{a, b::c}`), outside comments and outside
//! test code (files named `tests.rs`, and everything from a file's first
//! `#[cfg(test)]` on, where this crate keeps its unit tests). Two rules:
//!
//! 1. **Models and lenses point down.** [`LOWER`] (the map models, the type
//!    descriptor, the accounting, the scenarios and the lenses) never name
//!    [`UPPER`] (running, reporting, comparing, the binary and the command
//!    modules). The on-disk report schema may re-export their types; they
//!    do not import the schema.
//! 2. **No import cycle between top-level modules**, except the edges
//!    listed in [`KNOWN_BACK_EDGES`]: with those removed the graph must be
//!    acyclic, and every listed edge must still exist (fix one, delete its
//!    line; the list only shrinks).
//!
//! 3. **Production code reads nothing under `tests/`.** No non-test code in
//!    `src/` names a path with `tests/` (an `include_str!`, a file it
//!    opens, a message pointing at a test file): what the library needs at
//!    run time lives in `data/` (e.g. `data/go119/`, written by
//!    `go/cmd/goreference`), and the test folders stay free to change.
//!
//! The allowed directions, top to bottom (a module names only modules
//! below it): `main` → `run`, `compare`, `inspect`, `lint`, `claims`,
//! `fuzz` → `golang` (the real-Go lens: harness, figures, claims) →
//! `report` → `profile` → `scenario` → `lens`, `locate`, `workload` →
//! `variants` → `gomap`, `goswiss`, `table`, `pod` → `accounting`, `hash`,
//! `mem`, `gotype`, `rng`, `stats`, `machine`, `region`, `valgrind`,
//! `alloc_count`, `fsutil`, `cell`, `limits`, `names`, `goconfig`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Modules that must not depend on [`UPPER`].
const LOWER: &[&str] = &[
    "gomap",
    "goswiss",
    "gotype",
    "accounting",
    "scenario",
    "lens",
    "machine",
];

/// Running, reporting, comparing, the binary and the command modules.
const UPPER: &[&str] = &[
    "run", "report", "compare", "main", "inspect", "lint", "claims", "live",
];

/// Edges that still close a cycle today (`from`, `to`, why). Each one is
/// a debt: the test fails when a new cycle appears, and when a listed
/// edge is gone (then delete its line).
const KNOWN_BACK_EDGES: &[(&str, &str, &str)] = &[];

type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// The top-level module a file under `src/` belongs to (`gomap/grow.rs` → `gomap`).
fn top_module(rel: &Path) -> String {
    let first = rel.components().next().unwrap().as_os_str();
    let first = first.to_string_lossy();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The file's text without test code and without `//` comments.
fn production_text(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The top-level modules named by `crate::…` paths in `text`.
fn referenced_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(is_ident_char) {
            continue; // `$crate::` in a macro is fine too, but `foo_crate::` is not ours
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the names at brace depth 0.
            let mut depth = 0;
            let mut start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && depth == 0 && is_ident_char(c) => {
                        let name: String = group[j..]
                            .chars()
                            .take_while(|&c| is_ident_char(c))
                            .collect();
                        out.insert(name);
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_ident_char(c)).collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `from` → `to` → the files (relative to `src/`) that make the edge.
fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| top_module(f.strip_prefix(&src).unwrap()))
        .collect();
    let mut g = Graph::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let from = top_module(rel);
        let text = std::fs::read_to_string(file).unwrap();
        for to in referenced_modules(&production_text(&text)) {
            if to != from && modules.contains(&to) {
                g.entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(rel.display().to_string());
            }
        }
    }
    g
}

/// A cycle in `g` (as a path that returns to its start), if there is one.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, g, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, g, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn models_and_lenses_do_not_depend_on_run_report_compare_or_commands() {
    let g = graph();
    let mut bad = Vec::new();
    for low in LOWER {
        for (to, files) in g.get(*low).into_iter().flatten() {
            if UPPER.contains(&to.as_str()) {
                bad.push(format!(
                    "{low} → {to} (in {})",
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    assert!(bad.is_empty(), "upward dependencies:\n{}", bad.join("\n"));
}

#[test]
fn top_level_modules_have_no_import_cycle_beyond_the_known_ones() {
    let g = graph();
    for (from, to, _) in KNOWN_BACK_EDGES {
        assert!(
            g.get(*from).is_some_and(|t| t.contains_key(*to)),
            "{from} → {to} is listed in KNOWN_BACK_EDGES but no longer exists: delete its line"
        );
    }
    let pruned: BTreeMap<String, BTreeSet<String>> = g
        .iter()
        .map(|(from, tos)| {
            let kept = tos
                .keys()
                .filter(|to| {
                    !KNOWN_BACK_EDGES
                        .iter()
                        .any(|(f, t, _)| f == from && t == to)
                })
                .cloned()
                .collect();
            (from.clone(), kept)
        })
        .collect();
    if let Some(cycle) = find_cycle(&pruned) {
        let edges: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                let files = &g[&w[0]][&w[1]];
                format!(
                    "{} → {} ({})",
                    w[0],
                    w[1],
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        panic!(
            "import cycle between top-level modules:\n{}",
            edges.join("\n")
        );
    }
}

/// `(file, line)` of every production line in `src/` that names `tests/`.
fn production_lines_naming_tests() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in production_text(&text).lines().enumerate() {
            if line.contains("tests/") {
                found.push(format!("src/{}:{}: {}", rel.display(), i + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn production_code_names_no_path_under_tests() {
    let found = production_lines_naming_tests();
    assert!(
        found.is_empty(),
        "non-test code in src/ names tests/ (move what the library needs to data/):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_reader_sees_paths_in_every_form() {
    let text = "use crate::gomap::Knobs;\nuse crate::{lens::{a, b}, report};\nlet x = crate::stats::median(&v); // crate::run\nfoo_crate::x";
    let names = referenced_modules(&production_text(text));
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["gomap", "lens", "report", "stats"]
    );
    assert_eq!(
        production_text("use crate::a;\n#[cfg(test)]\nmod tests { use crate::b; }"),
        "use crate::a;"
    );
    // Rule 3 sees an include in code and skips one in a comment or test.
    let code = "let d = include_str!(\"../../tests/data/x.json\");";
    assert!(production_text(code).contains("tests/"));
    assert!(!production_text("// see tests/it/x.rs").contains("tests/"));
    assert!(
        !production_text("#[cfg(test)]\nconst X: &str = include_str!(\"../tests/x\");")
            .contains("tests/")
    );
}

#[test]
fn the_readme_stays_a_front_door_of_at_most_250_lines() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines; keep it to 250 (what it measures, the two commands, one example per command, profiles, variants, architecture) and move reference material to docs/"
    );
    for command in ["scripts/run.sh", "scripts/test.sh"] {
        assert!(readme.contains(command), "README.md lost `{command}`");
    }
}
