//! The Rust check: a `HashMap` or `HashSet` (std's, hashbrown's, any type
//! named so) made without a capacity and then filled by `insert` in a `for`
//! loop over something whose length is known where the map is made.
//!
//! Sources are parsed with `syn` (full syntax tree); nothing is compiled,
//! so types are known only where the code states them. A length counts as
//! known when the loop runs over
//!
//! - a range `a..b` or `a..=b` whose bounds are `usize` (integer literals,
//!   `.len()`, variables declared `usize`), or an array literal;
//! - a collection (`Vec`, slice, array, `VecDeque`, `HashMap`, `HashSet`,
//!   `BTreeMap`, `BTreeSet`, `BinaryHeap`, `IndexMap`, `IndexSet`,
//!   `SmallVec`, `ArrayVec`, `String`/`str` through `.bytes()` or
//!   `.chars()`) that a parameter, a `let` or a struct field of this file
//!   declares (or a `let` makes with `vec![..]`, `Vec::new()`,
//!   `.collect::<Vec<_>>()`, ...), by value, by reference or through
//!   `.iter()`, `.iter_mut()`, `.into_iter()`, `.keys()`, `.values()`,
//!   `.drain(..)`, with `.enumerate()`, `.rev()`, `.copied()`, `.cloned()`
//!   on top.
//!
//! The policies are the Go analyzer's (`go/maplint/maphint/doc.go`): the
//! next statement that mentions the map is the loop; the loop mentions the
//! map once, as a top-level `m.insert(..);` that no `continue` of the loop
//! precedes, in a loop no `break` of it leaves (`return` and `?` may); the
//! key depends on the iteration; a constant trip count is above 3 (a
//! table's first allocation holds 3). The hint is exact when the key is the
//! loop's distinct binding (a range counter, an `enumerate` index, a map's
//! key, a set's element), an upper bound otherwise.

use super::{Edit, Finding, Language, Position};
use proc_macro2::Span;
use std::collections::HashMap;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Block, Expr, Pat, Stmt, Type};

/// Entries the first table of a Swiss table made without a capacity holds
/// (hashbrown allocates 4 buckets, 3 usable, on the first insert; so does
/// `with_capacity(1..=3)`): a loop of at most that many never grows it.
const FIRST_TABLE_CAPACITY: u64 = 3;

/// Checks one Rust source file. `file` names it in the findings.
pub fn check_source(src: &str, file: &str) -> Result<Vec<Finding>, super::NotParsed> {
    // syn drops a byte-order mark; positions are then 3 bytes short.
    let (body, base) = match src.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3),
        None => (src, 0),
    };
    let result = match syn::parse_file(body) {
        Ok(ast) => {
            let mut checker = Checker {
                src: body,
                file,
                structs: struct_fields(&ast),
                env: Env::default(),
                self_ty: Vec::new(),
                findings: Vec::new(),
            };
            checker.visit_file(&ast);
            Ok(checker.findings)
        }
        Err(e) => {
            let at = e.span().start();
            Err(super::NotParsed {
                file: file.to_string(),
                line: at.line,
                col: at.column + 1,
                message: e.to_string(),
            })
        }
    };
    // proc-macro2 keeps every parsed file's text for its spans; drop it
    // (after the last use of a span).
    proc_macro2::extra::invalidate_current_thread_spans();
    let mut findings = result?;
    for f in &mut findings {
        f.start = Position::of_offset(src, f.start.offset + base);
        f.end = Position::of_offset(src, f.end.offset + base);
        for e in &mut f.fix {
            e.start += base;
            e.end += base;
        }
    }
    Ok(findings)
}

/// What the check knows about a name's value.
#[derive(Clone, Debug, PartialEq)]
enum Known {
    /// A collection with `len()`.
    Collection(Coll),
    /// A `usize`.
    Usize,
    /// A value of a struct declared in this file.
    Struct(String),
}

/// The kinds of collection, for what iterating them yields.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Coll {
    /// Vec, slice, deque, heap, ...: elements may repeat.
    Seq,
    /// An array of a known length.
    Array(u64),
    /// A map: iteration yields distinct keys.
    Map,
    /// A set: iteration yields distinct elements.
    Set,
    /// `String` or `str`.
    Str,
}

#[derive(Clone, Default)]
struct Env(HashMap<String, Known>);

impl Env {
    fn set(&mut self, name: &str, k: Option<Known>) {
        match k {
            Some(k) => self.0.insert(name.to_string(), k),
            None => self.0.remove(name),
        };
    }
}

struct Checker<'a> {
    src: &'a str,
    file: &'a str,
    structs: HashMap<String, HashMap<String, Type>>,
    env: Env,
    self_ty: Vec<Option<String>>,
    findings: Vec<Finding>,
}

/// Named fields of the structs declared in the file.
fn struct_fields(file: &syn::File) -> HashMap<String, HashMap<String, Type>> {
    struct Collect(HashMap<String, HashMap<String, Type>>);
    impl<'ast> Visit<'ast> for Collect {
        fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
            if let syn::Fields::Named(named) = &s.fields {
                let fields = named
                    .named
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                    .collect();
                self.0.insert(s.ident.to_string(), fields);
            }
            visit::visit_item_struct(self, s);
        }
    }
    let mut c = Collect(HashMap::new());
    c.visit_file(file);
    c.0
}

fn last_ident(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

/// What a declared type says about a value.
fn known_of_type(ty: &Type, self_ty: Option<&str>) -> Option<Known> {
    match ty {
        Type::Reference(r) => known_of_type(&r.elem, self_ty),
        Type::Paren(p) => known_of_type(&p.elem, self_ty),
        Type::Group(g) => known_of_type(&g.elem, self_ty),
        Type::Slice(_) => Some(Known::Collection(Coll::Seq)),
        Type::Array(a) => int_lit(&a.len).map(|n| Known::Collection(Coll::Array(n))),
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            let name = seg.ident.to_string();
            match name.as_str() {
                "Vec" | "VecDeque" | "BinaryHeap" | "SmallVec" | "ArrayVec" | "LinkedList" => {
                    Some(Known::Collection(Coll::Seq))
                }
                "HashMap" | "BTreeMap" | "IndexMap" => Some(Known::Collection(Coll::Map)),
                "HashSet" | "BTreeSet" | "IndexSet" => Some(Known::Collection(Coll::Set)),
                "String" | "str" => Some(Known::Collection(Coll::Str)),
                "usize" => Some(Known::Usize),
                "Box" | "Rc" | "Arc" => match &seg.arguments {
                    syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
                        syn::GenericArgument::Type(t) => known_of_type(t, self_ty),
                        _ => None,
                    },
                    _ => None,
                },
                "Self" => self_ty.map(|s| Known::Struct(s.to_string())),
                _ if p.path.segments.len() == 1 && seg.arguments.is_empty() => {
                    Some(Known::Struct(name))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn int_lit(e: &Expr) -> Option<u64> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) if matches!(i.suffix(), "" | "usize") => i.base10_parse().ok(),
        Expr::Paren(p) => int_lit(&p.expr),
        _ => None,
    }
}

fn path_ident(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            let seg = &p.path.segments[0];
            seg.arguments.is_empty().then(|| seg.ident.to_string())
        }
        Expr::Paren(p) => path_ident(&p.expr),
        _ => None,
    }
}

/// A map or set made without a capacity.
struct Creation {
    name: String,
    set: bool,
    ty_text: Option<String>,
    key: Option<Type>,
    value: Option<Type>,
    /// The call expression.
    expr: Span,
    /// What the fix replaces (from the constructor's name to the call's end).
    replace: (usize, usize),
    /// The replacement, with `{}` for the hint.
    replacement: String,
}

impl Checker<'_> {
    fn text(&self, span: Span) -> &str {
        let r = span.byte_range();
        self.src.get(r).unwrap_or("")
    }

    fn self_name(&self) -> Option<&str> {
        self.self_ty.last().and_then(|s| s.as_deref())
    }

    /// What `e`, the initialiser of a `let` without a type, makes.
    fn known_of_init(&self, e: &Expr) -> Option<Known> {
        match e {
            Expr::Macro(m) => (last_ident(&m.mac.path).as_deref() == Some("vec"))
                .then_some(Known::Collection(Coll::Seq)),
            Expr::Array(a) => Some(Known::Collection(Coll::Array(a.elems.len() as u64))),
            Expr::Repeat(r) => int_lit(&r.len).map(|n| Known::Collection(Coll::Array(n))),
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return None };
                let segs = &p.path.segments;
                let n = segs.len();
                if n < 2 {
                    return None;
                }
                let ctor = segs[n - 1].ident.to_string();
                if !matches!(
                    ctor.as_str(),
                    "new" | "with_capacity" | "default" | "from" | "from_iter"
                ) {
                    return None;
                }
                let ty = Type::Path(syn::TypePath {
                    attrs: Vec::new(),
                    qself: None,
                    path: syn::Path {
                        leading_colon: None,
                        segments: std::iter::once(segs[n - 2].clone()).collect(),
                    },
                });
                known_of_type(&ty, self.self_name()).filter(|k| matches!(k, Known::Collection(_)))
            }
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                match method.as_str() {
                    "len" | "count" if m.args.is_empty() => Some(Known::Usize),
                    "to_vec" if m.args.is_empty() => Some(Known::Collection(Coll::Seq)),
                    "to_string" | "to_owned" | "clone"
                        if m.args.is_empty() && self.known(&m.receiver).is_some() =>
                    {
                        self.known(&m.receiver)
                    }
                    "collect" => {
                        let t = m.turbofish.as_ref()?.args.first()?;
                        match t {
                            syn::GenericArgument::Type(t) => known_of_type(t, self.self_name()),
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            Expr::Reference(r) => self.known(&r.expr),
            Expr::Paren(p) => self.known_of_init(&p.expr),
            Expr::Path(_) | Expr::Field(_) => self.known(e),
            Expr::Lit(_) => int_lit(e).map(|_| Known::Usize),
            _ => None,
        }
    }

    /// What the check knows of a name, a field of a known struct, or a
    /// reference to either.
    fn known(&self, e: &Expr) -> Option<Known> {
        match e {
            Expr::Path(_) => {
                let name = path_ident(e)?;
                if name == "self" {
                    return self.self_name().map(|s| Known::Struct(s.to_string()));
                }
                self.env.0.get(&name).cloned()
            }
            Expr::Field(f) => {
                let Known::Struct(s) = self.known(&f.base)? else {
                    return None;
                };
                let syn::Member::Named(field) = &f.member else {
                    return None;
                };
                let ty = self.structs.get(&s)?.get(&field.to_string())?;
                known_of_type(ty, Some(&s))
            }
            Expr::Reference(r) => self.known(&r.expr),
            Expr::Paren(p) => self.known(&p.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.known(&u.expr),
            _ => None,
        }
    }

    /// Whether `e` is a `usize` the hint can use as it is: a literal,
    /// `.len()`, a `usize` variable, a cast to `usize`, or arithmetic of
    /// those (no calls but `len`).
    fn usize_expr(&self, e: &Expr) -> bool {
        match e {
            Expr::Lit(_) => int_lit(e).is_some(),
            Expr::Paren(p) => self.usize_expr(&p.expr),
            Expr::Path(_) | Expr::Field(_) => self.known(e) == Some(Known::Usize),
            Expr::MethodCall(m) => {
                m.method == "len" && m.args.is_empty() && self.known(&m.receiver).is_some()
            }
            Expr::Cast(c) => {
                matches!(&*c.ty, Type::Path(p) if p.path.is_ident("usize")) && pure(&c.expr)
            }
            Expr::Binary(b) => {
                matches!(
                    b.op,
                    syn::BinOp::Add(_) | syn::BinOp::Mul(_) | syn::BinOp::Div(_)
                ) && self.usize_expr(&b.left)
                    && self.usize_expr(&b.right)
            }
            _ => false,
        }
    }

    fn creation(&self, stmt: &Stmt) -> Option<Creation> {
        let Stmt::Local(local) = stmt else {
            return None;
        };
        let init = local.init.as_ref()?;
        if init.diverge.is_some() {
            return None;
        }
        let (ident, annotated) = match &local.pat {
            Pat::Ident(p) if p.subpat.is_none() => (&p.ident, None),
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(p) if p.subpat.is_none() => (&p.ident, Some(&*t.ty)),
                _ => return None,
            },
            _ => return None,
        };
        let Expr::Call(call) = &*init.expr else {
            return None;
        };
        let Expr::Path(func) = &*call.func else {
            return None;
        };
        let segs = &func.path.segments;
        if func.qself.is_some() || segs.len() < 2 {
            return None;
        }
        let ty_seg = &segs[segs.len() - 2];
        let ctor = &segs[segs.len() - 1];
        let set = match ty_seg.ident.to_string().as_str() {
            "HashMap" => false,
            "HashSet" => true,
            _ => return None,
        };
        let args: Vec<&Expr> = call.args.iter().collect();
        let replacement = match (ctor.ident.to_string().as_str(), args.as_slice()) {
            ("new", []) => "with_capacity({})".to_string(),
            ("default", []) => "with_capacity_and_hasher({}, Default::default())".to_string(),
            ("with_hasher", [h]) => {
                format!("with_capacity_and_hasher({{}}, {})", self.text(h.span()))
            }
            ("with_capacity", [zero]) if int_lit(zero) == Some(0) => {
                "with_capacity({})".to_string()
            }
            _ => return None,
        };
        // Key and value types: from the annotation, else the turbofish.
        let generic_args = |args: &syn::PathArguments| -> Vec<Type> {
            match args {
                syn::PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        syn::GenericArgument::Type(t) => Some(t.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let mut kv = Vec::new();
        if let Some(Type::Path(tp)) = annotated {
            if let Some(last) = tp.path.segments.last() {
                kv = generic_args(&last.arguments);
            }
        }
        if kv.is_empty() {
            kv = generic_args(&ty_seg.arguments);
        }
        let start = ctor.ident.span().byte_range().start;
        let end = call.span().byte_range().end;
        Some(Creation {
            name: ident.to_string(),
            set,
            ty_text: annotated.map(|t| self.text(t.span()).to_string()),
            key: kv.first().cloned(),
            value: if set { None } else { kv.get(1).cloned() },
            expr: call.span(),
            replace: (start, end),
            replacement,
        })
    }

    /// Reports `stmts[i]` if it makes a map the next statement mentioning
    /// it fills in a loop of known length.
    fn check_creation(&mut self, stmts: &[Stmt], i: usize) {
        let Some(c) = self.creation(&stmts[i]) else {
            return;
        };
        let Some(j) = (i + 1..stmts.len()).find(|&j| stmt_mentions(&stmts[j], &c.name)) else {
            return;
        };
        let Stmt::Expr(Expr::ForLoop(loop_expr), _) = &stmts[j] else {
            return;
        };
        // A statement between the map and the loop that rebinds or changes
        // an operand makes the hint mean something else where the map is made.
        let between = &stmts[i + 1..j];
        if expr_mentions(&loop_expr.expr, &c.name) {
            return;
        }
        let Some(trip) = self.trip(&loop_expr.expr) else {
            return;
        };
        if trip.const_n.is_some_and(|n| n <= FIRST_TABLE_CAPACITY) {
            return; // the first table holds them all: no growth
        }
        for name in names_in(&loop_expr.expr) {
            if between.iter().any(|s| binds_or_assigns(s, &name)) {
                return;
            }
        }
        let Some(insert) = unconditional_insert(loop_expr, &c) else {
            return;
        };
        // Repeated keys: a key that does not depend on the iteration's item
        // or counter (a constant, or drawn by a call such as a random
        // generator) may repeat any number of times.
        let mut varying = pattern_names(&loop_expr.pat);
        iteration_names(&loop_expr.body, &mut varying);
        if !names_in(insert.key).iter().any(|n| varying.contains(n)) {
            return; // the key does not change with the iteration
        }
        let exact = trip.exact
            && distinct_binding(&loop_expr.pat, trip.distinct)
                .is_some_and(|d| is_binding_itself(insert.key, &d));
        self.report(&c, &trip, exact, loop_expr);
    }

    fn report(&mut self, c: &Creation, trip: &Trip, exact: bool, loop_expr: &syn::ExprForLoop) {
        let loop_line = loop_expr.for_token.span.start().line;
        let what = if c.set { "set" } else { "map" };
        let message = if exact {
            format!(
                "{what} {} is made without a capacity, then gets a new key on each of the {} iterations of the loop on line {loop_line}: make it with the capacity {}",
                c.name, trip.hint, trip.hint
            )
        } else {
            format!(
                "{what} {} is made without a capacity, then gets up to {} keys in the loop on line {loop_line}: make it with the capacity {} (an upper bound if keys repeat)",
                c.name, trip.hint, trip.hint
            )
        };
        let range = c.expr.byte_range();
        self.findings.push(Finding {
            language: Language::Rust,
            file: self.file.to_string(),
            start: Position::of_offset(self.src, range.start),
            end: Position::of_offset(self.src, range.end),
            map: c.name.clone(),
            map_type: c.ty_text.clone(),
            hint: trip.hint.clone(),
            exact,
            const_n: trip.const_n,
            key_bytes: c.key.as_ref().and_then(rust_type_bytes),
            value_bytes: if c.set {
                Some(0)
            } else {
                c.value.as_ref().and_then(rust_type_bytes)
            },
            go_version: None,
            loop_line,
            message,
            fix: vec![Edit {
                start: c.replace.0,
                end: c.replace.1,
                new_text: c.replacement.replace("{}", &trip.hint),
            }],
            fix_description: format!("Make it with the capacity {}", trip.hint),
        });
    }
}

/// Which binding of the loop pattern is new on every iteration.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Distinct {
    /// None: elements may repeat.
    Nothing,
    /// The whole pattern (a range counter, a key, a set element).
    Whole,
    /// The first element of a tuple pattern (an `enumerate` index, a map's key).
    First,
}

/// The trip count of a loop.
struct Trip {
    hint: String,
    const_n: Option<u64>,
    exact: bool,
    distinct: Distinct,
}

impl Checker<'_> {
    /// The trip count of `for _ in e`, if the code says it.
    fn trip(&self, e: &Expr) -> Option<Trip> {
        match e {
            Expr::Paren(p) => self.trip(&p.expr),
            Expr::Range(r) => self.range_trip(r),
            Expr::Array(a) => (!a.elems.is_empty()).then(|| {
                let n = a.elems.len() as u64;
                Trip {
                    hint: n.to_string(),
                    const_n: Some(n),
                    exact: true,
                    distinct: Distinct::Nothing,
                }
            }),
            Expr::Reference(r) => self.collection_trip(&r.expr, "iter"),
            Expr::Path(_) | Expr::Field(_) => self.collection_trip(e, "into_iter"),
            Expr::MethodCall(m) if m.args.is_empty() || is_full_drain(m) => {
                let method = m.method.to_string();
                match method.as_str() {
                    "enumerate" => self.trip(&m.receiver).map(|t| Trip {
                        distinct: Distinct::First,
                        ..t
                    }),
                    "rev" | "copied" | "cloned" => self.trip(&m.receiver),
                    _ => self.collection_trip(&m.receiver, &method),
                }
            }
            _ => None,
        }
    }

    /// The trip count of iterating the collection `base` through `method`.
    fn collection_trip(&self, base: &Expr, method: &str) -> Option<Trip> {
        let Some(Known::Collection(coll)) = self.known(base) else {
            return None;
        };
        if !pure(base) {
            return None;
        }
        let base_text = self.text(strip_ref(base).span()).to_string();
        let (exact, distinct) = match (coll, method) {
            (Coll::Str, "bytes") => (true, Distinct::Nothing),
            (Coll::Str, "chars") => (false, Distinct::Nothing),
            (Coll::Str, _) => return None,
            (Coll::Map, "iter" | "iter_mut" | "into_iter" | "drain") => (true, Distinct::First),
            (Coll::Map, "keys" | "into_keys") => (true, Distinct::Whole),
            (Coll::Map, "values" | "values_mut" | "into_values") => (true, Distinct::Nothing),
            (Coll::Set, "iter" | "into_iter" | "drain") => (true, Distinct::Whole),
            (Coll::Seq | Coll::Array(_), "iter" | "iter_mut" | "into_iter" | "drain") => {
                (true, Distinct::Nothing)
            }
            _ => return None,
        };
        let const_n = match coll {
            Coll::Array(n) if n > 0 => Some(n),
            Coll::Array(_) => return None,
            _ => None,
        };
        Some(Trip {
            hint: format!("{base_text}.len()"),
            const_n,
            exact,
            distinct,
        })
    }

    fn range_trip(&self, r: &syn::ExprRange) -> Option<Trip> {
        let end = r.end.as_deref()?;
        let closed = matches!(r.limits, syn::RangeLimits::Closed(_));
        let start = r.start.as_deref();
        if !pure(end) || !start.is_none_or(pure) {
            return None;
        }
        if !self.usize_expr(end) || !start.is_none_or(|s| self.usize_expr(s)) {
            return None;
        }
        let start_lit = match start {
            None => Some(0),
            Some(s) => int_lit(s),
        };
        let trip = |hint: String, const_n| Trip {
            hint,
            const_n,
            exact: true,
            distinct: Distinct::Whole,
        };
        if let (Some(a), Some(b)) = (start_lit, int_lit(end)) {
            let n = b
                .checked_add(u64::from(closed))?
                .checked_sub(a)
                .filter(|&n| n > 0)?;
            return Some(trip(n.to_string(), Some(n)));
        }
        let end_text = self.text(end.span()).to_string();
        // A receiver of `.saturating_*` keeps its meaning only when it is
        // a primary expression (`*n.saturating_sub(1)` derefs the result).
        let wrap = |t: String, e: &Expr| {
            if matches!(
                e,
                Expr::Path(_)
                    | Expr::Lit(_)
                    | Expr::MethodCall(_)
                    | Expr::Call(_)
                    | Expr::Field(_)
                    | Expr::Index(_)
                    | Expr::Paren(_)
            ) {
                t
            } else {
                format!("({t})")
            }
        };
        // No hint can panic or wrap: `a..=b` runs `b - (a - 1)` times
        // (never `b + 1 - a`, which overflows at `b == usize::MAX`).
        let b = wrap(end_text.clone(), end);
        let hint = match (start_lit, start, closed) {
            (Some(0), _, false) | (Some(1), _, true) => end_text,
            (Some(0), _, true) => format!("{b}.saturating_add(1)"),
            (Some(a), _, true) => format!("{b}.saturating_sub({})", a - 1),
            (Some(a), _, false) => format!("{b}.saturating_sub({a})"),
            (None, Some(s), false) => format!("{b}.saturating_sub({})", self.text(s.span())),
            (None, Some(s), true) => format!(
                "{b}.saturating_add(1).saturating_sub({})",
                self.text(s.span())
            ),
            (None, None, _) => unreachable!("an open start is the literal 0"),
        };
        Some(trip(hint, None))
    }
}

/// `e` without references, dereferences and parentheses (method calls
/// auto-dereference).
fn strip_ref(e: &Expr) -> &Expr {
    match e {
        Expr::Reference(r) => strip_ref(&r.expr),
        Expr::Paren(p) => strip_ref(&p.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => strip_ref(&u.expr),
        _ => e,
    }
}

/// `x.drain(..)`: every element.
fn is_full_drain(m: &syn::ExprMethodCall) -> bool {
    m.method == "drain"
        && m.args.len() == 1
        && matches!(&m.args[0], Expr::Range(r) if r.start.is_none() && r.end.is_none())
}

/// Whether `e` can be evaluated again where the map is made with the same
/// value and no effect: names, fields, literals, references, arithmetic,
/// casts, `.len()`.
fn pure(e: &Expr) -> bool {
    match e {
        Expr::Path(_) | Expr::Lit(_) => true,
        Expr::Field(f) => pure(&f.base),
        Expr::Paren(p) => pure(&p.expr),
        Expr::Reference(r) => r.mutability.is_none() && pure(&r.expr),
        Expr::Unary(u) => pure(&u.expr),
        Expr::Cast(c) => pure(&c.expr),
        Expr::Binary(b) => pure(&b.left) && pure(&b.right),
        Expr::MethodCall(m) => m.method == "len" && m.args.is_empty() && pure(&m.receiver),
        _ => false,
    }
}

/// The simple names an expression reads (single-segment paths).
fn names_in(e: &Expr) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if p.qself.is_none() && p.path.segments.len() == 1 {
                self.0.push(p.path.segments[0].ident.to_string());
            }
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            idents_in_tokens(m.tokens.clone(), &mut self.0);
        }
    }
    let mut n = Names(Vec::new());
    n.visit_expr(e);
    n.0
}

fn idents_in_tokens(ts: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for tt in ts {
        match tt {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => idents_in_tokens(g.stream(), out),
            proc_macro2::TokenTree::Literal(l) => captured_idents(&l.to_string(), out),
            proc_macro2::TokenTree::Punct(_) => {}
        }
    }
}

/// The names a format string captures (`"key{i}"`, `"{m:?}"`): `{` (not
/// `{{`) followed by an identifier. Other literals have none.
fn captured_idents(lit: &str, out: &mut Vec<String>) {
    if !lit.ends_with('"') {
        return;
    }
    let mut rest = lit;
    while let Some(at) = rest.find('{') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            rest = after;
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            out.push(name);
        }
    }
}

/// Counts the paths and macro tokens that name `name`.
struct Count<'n> {
    name: &'n str,
    count: usize,
}

impl<'ast> Visit<'ast> for Count<'_> {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() && p.path.segments.len() == 1 && p.path.segments[0].ident == self.name
        {
            self.count += 1;
        }
        visit::visit_expr_path(self, p);
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let mut ids = Vec::new();
        idents_in_tokens(m.tokens.clone(), &mut ids);
        self.count += ids.iter().filter(|i| *i == self.name).count();
    }
}

fn count_in(name: &str, visit_node: impl FnOnce(&mut Count<'_>)) -> usize {
    let mut c = Count { name, count: 0 };
    visit_node(&mut c);
    c.count
}

fn stmt_mentions(s: &Stmt, name: &str) -> bool {
    count_in(name, |c| c.visit_stmt(s)) > 0
}

fn expr_mentions(e: &Expr, name: &str) -> bool {
    count_in(name, |c| c.visit_expr(e)) > 0
}

/// Whether `s` binds `name` again (a `let`) or may change it (an
/// assignment to it or to a part of it, or a `&mut` borrow).
fn binds_or_assigns(s: &Stmt, name: &str) -> bool {
    struct Changes<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Changes<'_> {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.found |= p.ident == self.name;
            visit::visit_pat_ident(self, p);
        }
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            self.found |= root_name(&a.left).as_deref() == Some(self.name);
            visit::visit_expr_assign(self, a);
        }
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            let compound = !matches!(
                b.op,
                syn::BinOp::Add(_)
                    | syn::BinOp::Sub(_)
                    | syn::BinOp::Mul(_)
                    | syn::BinOp::Div(_)
                    | syn::BinOp::Rem(_)
                    | syn::BinOp::And(_)
                    | syn::BinOp::Or(_)
                    | syn::BinOp::BitXor(_)
                    | syn::BinOp::BitAnd(_)
                    | syn::BinOp::BitOr(_)
                    | syn::BinOp::Shl(_)
                    | syn::BinOp::Shr(_)
                    | syn::BinOp::Eq(_)
                    | syn::BinOp::Lt(_)
                    | syn::BinOp::Le(_)
                    | syn::BinOp::Ne(_)
                    | syn::BinOp::Ge(_)
                    | syn::BinOp::Gt(_)
            );
            self.found |= compound && root_name(&b.left).as_deref() == Some(self.name);
            visit::visit_expr_binary(self, b);
        }
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            self.found |=
                r.mutability.is_some() && root_name(&r.expr).as_deref() == Some(self.name);
            visit::visit_expr_reference(self, r);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            // A method called on it may take `&mut self` (push, clear, ...).
            self.found |= root_name(&m.receiver).as_deref() == Some(self.name)
                && !matches!(
                    m.method.to_string().as_str(),
                    "len"
                        | "is_empty"
                        | "iter"
                        | "get"
                        | "contains"
                        | "contains_key"
                        | "first"
                        | "last"
                );
            visit::visit_expr_method_call(self, m);
        }
    }
    let mut c = Changes { name, found: false };
    c.visit_stmt(s);
    c.found
}

/// The variable an expression stands on: `x` for `x`, `x.f`, `x[i]`, `*x`.
fn root_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(_) => path_ident(e),
        Expr::Field(f) => root_name(&f.base),
        Expr::Index(i) => root_name(&i.expr),
        Expr::Unary(u) => root_name(&u.expr),
        Expr::Paren(p) => root_name(&p.expr),
        Expr::MethodCall(m) => root_name(&m.receiver),
        _ => None,
    }
}

/// The names a pattern binds.
fn pattern_names(p: &Pat) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0.push(p.ident.to_string());
            visit::visit_pat_ident(self, p);
        }
    }
    let mut n = Names(Vec::new());
    n.visit_pat(p);
    n.0
}

fn collect_let_names(b: &Block, out: &mut Vec<String>) {
    struct Lets<'o>(&'o mut Vec<String>);
    impl<'ast> Visit<'ast> for Lets<'_> {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            self.0.extend(pattern_names(&l.pat));
            visit::visit_local(self, l);
        }
    }
    Lets(out).visit_block(b);
}

/// Adds to `names` (the loop pattern's bindings) every name a `let` of the
/// body binds from an initializer that mentions one of them, in source
/// order: the names whose value changes with the iteration. A `let` fed only
/// by calls (`let c = rng.gen()`) is not among them.
fn iteration_names(b: &Block, names: &mut Vec<String>) {
    struct Lets<'o>(&'o mut Vec<String>);
    impl<'ast> Visit<'ast> for Lets<'_> {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            visit::visit_local(self, l);
            if let Some(init) = &l.init {
                if names_in(&init.expr).iter().any(|n| self.0.contains(n)) {
                    self.0.extend(pattern_names(&l.pat));
                }
            }
        }
    }
    Lets(names).visit_block(b);
}

/// The name bound to the distinct part of each iteration's item.
fn distinct_binding(p: &Pat, d: Distinct) -> Option<String> {
    let unwrap = |p: &Pat| -> Option<String> {
        match p {
            Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.to_string()),
            Pat::Reference(r) => match &*r.pat {
                Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.to_string()),
                _ => None,
            },
            _ => None,
        }
    };
    match (d, p) {
        (Distinct::Whole, _) => unwrap(p),
        (Distinct::First, Pat::Tuple(t)) => t.elems.first().and_then(unwrap),
        _ => None,
    }
}

/// Whether the key is the binding itself (or a copy, clone or owned form of it).
fn is_binding_itself(key: &Expr, name: &str) -> bool {
    match key {
        Expr::Path(_) => path_ident(key).as_deref() == Some(name),
        Expr::Paren(p) => is_binding_itself(&p.expr, name),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => is_binding_itself(&u.expr, name),
        Expr::MethodCall(m) if m.args.is_empty() => {
            matches!(
                m.method.to_string().as_str(),
                "clone" | "to_owned" | "to_string"
            ) && is_binding_itself(&m.receiver, name)
        }
        _ => false,
    }
}

/// The one insert into the map in the loop.
struct Insert<'a> {
    key: &'a Expr,
    at: usize,
}

/// The loop's only mention of the map, if it is an insert every iteration
/// makes (see the module documentation).
fn unconditional_insert<'a>(l: &'a syn::ExprForLoop, c: &Creation) -> Option<Insert<'a>> {
    if count_in(&c.name, |n| n.visit_block(&l.body)) != 1 || pattern_names(&l.pat).contains(&c.name)
    {
        return None;
    }
    let mut lets = Vec::new();
    collect_let_names(&l.body, &mut lets);
    if lets.contains(&c.name) {
        return None;
    }
    let insert = top_level_insert(&l.body.stmts, &c.name, if c.set { 1 } else { 2 })?;
    let label = l.label.as_ref().map(|l| l.name.ident.to_string());
    if leaves_or_skips(&l.body, label.as_deref(), insert.at) {
        return None;
    }
    Some(insert)
}

fn top_level_insert<'a>(stmts: &'a [Stmt], map: &str, arity: usize) -> Option<Insert<'a>> {
    for s in stmts {
        match s {
            Stmt::Expr(Expr::MethodCall(m), _)
                if m.method == "insert"
                    && path_ident(&m.receiver).as_deref() == Some(map)
                    && m.args.len() == arity =>
            {
                return Some(Insert {
                    key: &m.args[0],
                    at: m.span().byte_range().start,
                });
            }
            Stmt::Expr(Expr::Block(b), _) if b.label.is_none() => {
                if let Some(i) = top_level_insert(&b.block.stmts, map, arity) {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the loop body breaks out of the loop, or continues it before
/// byte `insert_at`.
fn leaves_or_skips(body: &Block, label: Option<&str>, insert_at: usize) -> bool {
    struct Flow<'l> {
        label: Option<&'l str>,
        insert_at: usize,
        depth: usize, // nested loops
        bad: bool,
    }
    impl Flow<'_> {
        fn ours(&self, l: &Option<syn::Lifetime>) -> bool {
            match l {
                Some(l) => Some(l.ident.to_string().as_str()) == self.label,
                None => self.depth == 0,
            }
        }
    }
    impl<'ast> Visit<'ast> for Flow<'_> {
        fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
            self.bad |= self.ours(&b.label);
            visit::visit_expr_break(self, b);
        }
        fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
            self.bad |= self.ours(&c.label) && c.span().byte_range().start < self.insert_at;
        }
        fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
            self.visit_expr(&l.expr);
            self.depth += 1;
            self.visit_block(&l.body);
            self.depth -= 1;
        }
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            self.visit_expr(&w.cond);
            self.depth += 1;
            self.visit_block(&w.body);
            self.depth -= 1;
        }
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            self.depth += 1;
            self.visit_block(&l.body);
            self.depth -= 1;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            // A macro's arguments are tokens; a break or continue in them
            // cannot be placed, so it counts against the loop.
            let mut ids = Vec::new();
            idents_in_tokens(m.tokens.clone(), &mut ids);
            self.bad |= ids.iter().any(|i| i == "break" || i == "continue");
        }
    }
    let mut f = Flow {
        label,
        insert_at,
        depth: 0,
        bad: false,
    };
    f.visit_block(body);
    f.bad
}

/// Bytes of a Rust type whose size the source states (primitives and
/// the common standard types on a 64-bit target); `None` otherwise.
pub fn rust_type_bytes(t: &Type) -> Option<u64> {
    match t {
        Type::Reference(r) => match &*r.elem {
            Type::Slice(_) => Some(16),
            Type::Path(p) if p.path.is_ident("str") => Some(16),
            _ => Some(8),
        },
        Type::Tuple(t) if t.elems.is_empty() => Some(0),
        Type::Paren(p) => rust_type_bytes(&p.elem),
        Type::Array(a) => Some(rust_type_bytes(&a.elem)? * int_lit(&a.len)?),
        Type::Path(p) if p.qself.is_none() => {
            let name = last_ident(&p.path)?;
            Some(match name.as_str() {
                "u8" | "i8" | "bool" => 1,
                "u16" | "i16" => 2,
                "u32" | "i32" | "f32" | "char" => 4,
                "u64" | "i64" | "f64" | "usize" | "isize" | "Box" | "Rc" | "Arc" => 8,
                "u128" | "i128" => 16,
                "String" | "Vec" | "PathBuf" | "OsString" => 24,
                _ => return None,
            })
        }
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let name = match &*i.self_ty {
            Type::Path(p) => last_ident(&p.path),
            _ => None,
        };
        self.self_ty.push(name);
        visit::visit_item_impl(self, i);
        self.self_ty.pop();
    }

    fn visit_signature(&mut self, sig: &'ast syn::Signature) {
        for arg in &sig.inputs {
            if let syn::FnArg::Typed(pt) = arg {
                let k = known_of_type(&pt.ty, self.self_name());
                for name in pattern_names(&pt.pat) {
                    self.env.set(
                        &name,
                        if matches!(&*pt.pat, Pat::Ident(_)) {
                            k.clone()
                        } else {
                            None
                        },
                    );
                }
            }
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let saved = std::mem::take(&mut self.env);
        self.visit_signature(&f.sig);
        self.visit_block(&f.block);
        self.env = saved;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let saved = std::mem::take(&mut self.env);
        self.visit_signature(&f.sig);
        self.visit_block(&f.block);
        self.env = saved;
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            let saved = std::mem::take(&mut self.env);
            self.self_ty.push(None);
            self.visit_signature(&f.sig);
            self.visit_block(block);
            self.self_ty.pop();
            self.env = saved;
        }
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        // A new binding shadows what was known of the name.
        self.env.set(&p.ident.to_string(), None);
        visit::visit_pat_ident(self, p);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let saved = self.env.clone();
        visit::visit_expr_closure(self, c);
        self.env = saved;
    }

    fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
        let saved = self.env.clone();
        visit::visit_expr_for_loop(self, l);
        self.env = saved;
    }

    fn visit_block(&mut self, b: &'ast Block) {
        let saved = self.env.clone();
        for (i, stmt) in b.stmts.iter().enumerate() {
            self.check_creation(&b.stmts, i);
            self.visit_stmt(stmt);
            if let Stmt::Local(local) = stmt {
                self.bind(local);
            }
        }
        self.env = saved;
    }
}

impl Checker<'_> {
    fn bind(&mut self, local: &syn::Local) {
        let (name, known) = match &local.pat {
            Pat::Ident(p) => (
                p.ident.to_string(),
                local
                    .init
                    .as_ref()
                    .and_then(|i| self.known_of_init(&i.expr)),
            ),
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(p) => (p.ident.to_string(), known_of_type(&t.ty, self.self_name())),
                _ => return,
            },
            _ => return,
        };
        self.env.set(&name, known);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(src: &str) -> Vec<Finding> {
        check_source(src, "t.rs").unwrap()
    }

    #[test]
    fn a_vec_parameter_filled_by_insert_is_found_with_its_fix() {
        let src = "use std::collections::HashMap;\nfn f(v: &[String]) -> HashMap<String, usize> {\n    let mut m = HashMap::new();\n    for (i, s) in v.iter().enumerate() {\n        m.insert(s.clone(), i);\n    }\n    m\n}\n";
        let f = findings(src);
        assert_eq!(f.len(), 1, "{f:?}");
        let f = &f[0];
        assert_eq!((f.start.line, f.start.column), (3, 17));
        assert_eq!(f.hint, "v.len()");
        assert!(!f.exact, "keys are the elements: an upper bound");
        assert_eq!(f.loop_line, 4);
        let mut fixed = src.to_string();
        fixed.replace_range(f.fix[0].start..f.fix[0].end, &f.fix[0].new_text);
        assert!(
            fixed.contains("let mut m = HashMap::with_capacity(v.len());"),
            "{fixed}"
        );
    }

    #[test]
    fn format_strings_capture_names() {
        let mut v = Vec::new();
        captured_idents(r#""key{i} {{x}} {m:?} {0} {}""#, &mut v);
        captured_idents("'{'", &mut v);
        assert_eq!(v, ["i", "m"]);
    }

    #[test]
    fn a_byte_order_mark_keeps_positions_right() {
        let src = "\u{feff}fn f(n: usize) {\n    let mut s = std::collections::HashSet::new();\n    for i in 0..n {\n        s.insert(i);\n    }\n}\n";
        let f = findings(src);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].exact);
        let fix = &f[0].fix[0];
        assert_eq!(&src[fix.start..fix.end], "new()");
        assert_eq!(fix.new_text, "with_capacity(n)");
    }

    #[test]
    fn unparsable_source_is_an_error_naming_the_file() {
        let e = check_source("fn f( {", "bad.rs").unwrap_err().to_string();
        assert!(e.starts_with("bad.rs:1:"), "{e}");
    }

    #[test]
    fn type_sizes_come_from_what_the_source_states() {
        let ty = |s: &str| syn::parse_str::<Type>(s).unwrap();
        assert_eq!(rust_type_bytes(&ty("u32")), Some(4));
        assert_eq!(rust_type_bytes(&ty("&str")), Some(16));
        assert_eq!(rust_type_bytes(&ty("String")), Some(24));
        assert_eq!(rust_type_bytes(&ty("[u16; 5]")), Some(10));
        assert_eq!(rust_type_bytes(&ty("()")), Some(0));
        assert_eq!(rust_type_bytes(&ty("MyType")), None);
    }
}
