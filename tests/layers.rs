//! The layering rules of `docs/architecture.md`, checked on the sources themselves.
//!
//! Every file under `src/` is put into one layer. The test reads every path in every file (use lines, calls,
//! types, paths inside macros and attributes such as `#[utoipa::path(body = crate::…)]`), resolves the ones
//! that lead into the crate to the file that defines the module, and checks:
//! - every file is classified (a new file must be given its layer here);
//! - only the route list mounts handlers and pages: no other file uses a `handlers` or `pages` module;
//! - handlers and pages neither use diesel nor write audit entries (that is the use cases' work);
//! - use cases, domain rules, queries and models never use actix-web (the pages will call the same functions);
//! - no file imports, directly or through others, a file that imports it back (no cycle).
//!
//! Each finding names the file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// The route list, handlers and pages: HTTP in, HTTP out.
    Web,
    /// One module per feature: checks, transaction, audit entry.
    UseCase,
    /// Rules without a database or HTTP.
    Domain,
    /// diesel queries, rows and records.
    Data,
    /// Database access, errors, configuration, time, start-up and the command line.
    Infrastructure,
}

/// Which layer a file is in: by its file name first, then by the table below.
fn layer_of(rel: &str) -> Option<Layer> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let by_name = match name {
        "handlers.rs" | "pages.rs" => Some(Layer::Web),
        "usecases.rs" => Some(Layer::UseCase),
        "domain.rs" => Some(Layer::Domain),
        "queries.rs" | "model.rs" => Some(Layer::Data),
        _ => None,
    };
    if by_name.is_some() {
        return by_name;
    }
    // Feature folders' `mod.rs` only declare modules and re-export.
    if name == "mod.rs" && !rel.starts_with("db/") {
        return Some(Layer::Infrastructure);
    }
    TABLE
        .iter()
        .find(|(file, _)| *file == rel)
        .map(|(_, layer)| *layer)
}

/// Files whose name does not tell their layer.
const TABLE: &[(&str, Layer)] = &[
    // Web: the route list, request extraction, middleware, pages.
    ("app.rs", Layer::Web),
    ("routes.rs", Layer::Web),
    ("health.rs", Layer::Web),
    ("auth/extract.rs", Layer::Web),
    ("auth/client.rs", Layer::Web),
    ("auth/throttles.rs", Layer::Web),
    ("metrics/endpoint.rs", Layer::Web),
    ("metrics/requests.rs", Layer::Web),
    ("complaints/form.rs", Layer::Web),
    ("complaints/html.rs", Layer::Web),
    ("idempotency/key.rs", Layer::Web),
    ("body.rs", Layer::Web),
    ("openapi.rs", Layer::Web),
    ("openapi_constraints.rs", Layer::Web),
    ("idempotency/extract.rs", Layer::Web),
    ("limits.rs", Layer::Web),
    // Domain rules.
    ("policy.rs", Layer::Domain),
    ("input.rs", Layer::Domain),
    ("identifiers.rs", Layer::Domain),
    ("money.rs", Layer::Domain),
    ("validate.rs", Layer::Domain),
    ("workdays.rs", Layer::Domain),
    ("paging.rs", Layer::Domain),
    ("auth/checks.rs", Layer::Domain),
    ("auth/password.rs", Layer::Domain),
    ("auth/token.rs", Layer::Domain),
    ("auth/throttle.rs", Layer::Domain),
    ("auth/throttle_tests.rs", Layer::Domain),
    ("complaints/outcome.rs", Layer::Domain),
    ("complaints/fields.rs", Layer::Domain),
    ("complaints/views.rs", Layer::Domain),
    ("credit/score.rs", Layer::Domain),
    ("epcis/canon.rs", Layer::Domain),
    ("epcis/context.rs", Layer::Domain),
    ("epcis/dl.rs", Layer::Domain),
    ("epcis/document.rs", Layer::Domain),
    ("epcis/events.rs", Layer::Domain),
    ("epcis/ids.rs", Layer::Domain),
    ("epcis/range.rs", Layer::Domain),
    ("epcis/values.rs", Layer::Domain),
    ("lots/trace_code.rs", Layer::Domain),
    ("lots/labels.rs", Layer::Domain),
    ("recalls/report.rs", Layer::Domain),
    ("slaughterhouses/uscc.rs", Layer::Domain),
    ("slaughterhouses/views.rs", Layer::Domain),
    ("trace/access.rs", Layer::Domain),
    ("trace/balance.rs", Layer::Domain),
    ("trace/flow.rs", Layer::Domain),
    ("trace/svg.rs", Layer::Domain),
    ("verify/signals.rs", Layer::Domain),
    ("violations/labels.rs", Layer::Domain),
    ("violations/rules.rs", Layer::Domain),
    ("violations/workflow.rs", Layer::Domain),
    // Data: queries, rows, records.
    ("schema.rs", Layer::Data),
    ("trace/nodes.rs", Layer::Data),
    ("trace/backward.rs", Layer::Data),
    ("trace/forward.rs", Layer::Data),
    ("receipts/list.rs", Layer::Data),
    ("violations/search.rs", Layer::Data),
    ("violations/export.rs", Layer::Data),
    ("epcis/queries.rs", Layer::Data),
    // Use cases that are not (yet) in a file of that name.
    ("violations/attempts.rs", Layer::UseCase),
    ("violations/schedule.rs", Layer::UseCase),
    ("complaints/retention.rs", Layer::UseCase),
    ("complaints/usecases/filing.rs", Layer::UseCase),
    ("complaints/usecases/workflow.rs", Layer::UseCase),
    ("complaints/demo.rs", Layer::UseCase),
    ("violations/demo.rs", Layer::UseCase),
    ("demo.rs", Layer::UseCase),
    ("audit/verify.rs", Layer::UseCase),
    // Infrastructure.
    ("lib.rs", Layer::Infrastructure),
    ("main.rs", Layer::Infrastructure),
    ("state.rs", Layer::Infrastructure),
    ("error.rs", Layer::Infrastructure),
    ("refusal.rs", Layer::Infrastructure),
    ("config.rs", Layer::Infrastructure),
    ("time.rs", Layer::Infrastructure),
    ("telemetry.rs", Layer::Infrastructure),
    ("bootstrap.rs", Layer::Infrastructure),
    ("cli.rs", Layer::Infrastructure),
    ("private_files.rs", Layer::Infrastructure),
    ("db/mod.rs", Layer::Infrastructure),
    ("db/fault.rs", Layer::Infrastructure),
    ("db/health.rs", Layer::Infrastructure),
    ("db/text_enum.rs", Layer::Infrastructure),
    ("backup/postgres.rs", Layer::Infrastructure),
    ("backup/sqlite.rs", Layer::Infrastructure),
    ("idempotency/store.rs", Layer::Infrastructure),
    ("idempotency/seal.rs", Layer::Infrastructure),
    ("metrics/background.rs", Layer::Infrastructure),
    ("verify/cache.rs", Layer::Infrastructure),
    ("verify/counter.rs", Layer::Infrastructure),
];

/// A path found in a file: its segments (as written, `crate`/`super`/`self` included) and its line.
#[derive(Debug, Clone)]
struct Found {
    segments: Vec<String>,
    line: usize,
    /// How deep in inline modules (`mod tests { … }`) of its file the path is: `super` leaves those first.
    depth: usize,
}

/// Every path in a token stream: `a::b::c`, `::a::b`, and use trees with braces (`crate::{a, b::{c, d}}`).
fn paths(stream: TokenStream, depth: usize, out: &mut Vec<Found>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => {
                paths(g.stream(), depth, out);
                i += 1;
            }
            TokenTree::Ident(id) if id == "mod" => {
                // An inline module: `mod name { … }`.
                if let (Some(TokenTree::Ident(_)), Some(TokenTree::Group(g))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    if g.delimiter() == Delimiter::Brace {
                        paths(g.stream(), depth + 1, out);
                        i += 3;
                        continue;
                    }
                }
                i += 1;
            }
            TokenTree::Ident(id) => {
                let line = id.span().start().line;
                let mut segments = vec![id.to_string()];
                i = path_tail(&tokens, i + 1, &mut segments, line, depth, out);
            }
            _ => i += 1,
        }
    }
}

/// Is `tokens[i..]` `::`? Then the index after it.
fn colons(tokens: &[TokenTree], i: usize) -> Option<usize> {
    match (tokens.get(i), tokens.get(i + 1)) {
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':' =>
        {
            Some(i + 2)
        }
        _ => None,
    }
}

/// Extends `segments` with `::ident` pairs from `i`; a `::{…}` group splits into one path per branch.
/// Records the path (when it has more than one segment) and returns the index after it.
fn path_tail(
    tokens: &[TokenTree],
    mut i: usize,
    segments: &mut Vec<String>,
    line: usize,
    depth: usize,
    out: &mut Vec<Found>,
) -> usize {
    while let Some(next) = colons(tokens, i) {
        match tokens.get(next) {
            Some(TokenTree::Ident(id)) => {
                segments.push(id.to_string());
                i = next + 1;
            }
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let mut j = 0;
                while j < inner.len() {
                    match &inner[j] {
                        TokenTree::Ident(id) => {
                            let mut branch = segments.clone();
                            branch.push(id.to_string());
                            let l = id.span().start().line;
                            j = path_tail(&inner, j + 1, &mut branch, l, depth, out);
                        }
                        TokenTree::Group(g) => {
                            paths(g.stream(), depth, out);
                            j += 1;
                        }
                        _ => j += 1,
                    }
                }
                return next + 1;
            }
            _ => break,
        }
    }
    // A lone name is not a path into another module (`mod x;` declares, it does not import).
    if segments.len() > 1 {
        out.push(Found {
            segments: segments.clone(),
            line,
            depth,
        });
    }
    i
}

/// A source file: its path under `src/`, its module path and the paths it uses.
struct Source {
    rel: String,
    module: Vec<String>,
    found: Vec<Found>,
}

fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if parts.last().map(String::as_str) == Some("mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

fn read_sources(root: &Path) -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let stream = TokenStream::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let mut found = Vec::new();
            paths(stream, 0, &mut found);
            Source {
                module: module_of(&rel),
                rel,
                found,
            }
        })
        .collect()
}

/// The crate's module tree: module path → file.
struct Tree {
    files: BTreeMap<Vec<String>, String>,
}

impl Tree {
    /// The file of the longest prefix of `path` (absolute, without `crate`) that is a module.
    fn file_of(&self, path: &[String]) -> Option<&String> {
        (1..=path.len())
            .rev()
            .find_map(|n| self.files.get(&path[..n]))
    }

    /// Resolves a path written in `src` to an absolute module path (without `crate`), if it leads into the
    /// crate: `crate::…`, `super::…`, `self::…`, a child module of the file's module, or a name brought in by
    /// one of the file's `use` lines.
    fn absolute(
        &self,
        src: &Source,
        aliases: &BTreeMap<String, Vec<String>>,
        segs: &[String],
        found_depth: usize,
    ) -> Option<Vec<String>> {
        let first = segs.first()?.as_str();
        match first {
            "crate" | "niuyang" => Some(segs[1..].to_vec()),
            "self" => {
                let mut m = self.dir_module(src);
                m.extend_from_slice(&segs[1..]);
                Some(m)
            }
            "super" => {
                let mut m = self.dir_module(src);
                let mut rest = segs;
                let mut depth = found_depth;
                while rest.first().map(String::as_str) == Some("super") {
                    if depth > 0 {
                        depth -= 1;
                    } else {
                        m.pop();
                    }
                    rest = &rest[1..];
                }
                m.extend_from_slice(rest);
                Some(m)
            }
            _ => {
                let mut child = self.dir_module(src);
                child.push(first.to_string());
                if self.files.contains_key(&child) {
                    child.extend_from_slice(&segs[1..]);
                    return Some(child);
                }
                let target = aliases.get(first)?;
                let mut m = target.clone();
                m.extend_from_slice(&segs[1..]);
                Some(m)
            }
        }
    }

    /// The module a file's relative paths start from (`self`).
    fn dir_module(&self, src: &Source) -> Vec<String> {
        src.module.clone()
    }
}

/// The names a file's `use crate::…` lines bring in: the last segment → the absolute path.
fn aliases(tree: &Tree, src: &Source) -> BTreeMap<String, Vec<String>> {
    let mut map = BTreeMap::new();
    for f in &src.found {
        if matches!(
            f.segments.first().map(String::as_str),
            Some("crate" | "super" | "self")
        ) {
            if let Some(abs) = tree.absolute(src, &BTreeMap::new(), &f.segments, f.depth) {
                if let Some(last) = f.segments.last() {
                    if last != "self" && last != "*" {
                        map.insert(last.clone(), abs);
                    } else if last == "self" && f.segments.len() > 1 {
                        let mut abs = abs;
                        abs.pop();
                        map.insert(f.segments[f.segments.len() - 2].clone(), abs);
                    }
                }
            }
        }
    }
    map
}

/// A use of something, resolved: the file it leads to and what was named.
struct Edge {
    to: String,
    path: Vec<String>,
    line: usize,
}

fn edges(tree: &Tree, src: &Source) -> Vec<Edge> {
    let aliases = aliases(tree, src);
    let mut out = Vec::new();
    for f in &src.found {
        let Some(abs) = tree.absolute(src, &aliases, &f.segments, f.depth) else {
            continue;
        };
        if abs.is_empty() {
            continue;
        }
        if let Some(file) = tree.file_of(&abs) {
            if *file != src.rel {
                out.push(Edge {
                    to: file.clone(),
                    path: abs,
                    line: f.line,
                });
            }
        }
    }
    out
}

fn load() -> (Tree, Vec<Source>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = read_sources(&root);
    let files = sources
        .iter()
        .filter(|s| s.rel != "main.rs")
        .map(|s| (s.module.clone(), s.rel.clone()))
        .collect();
    (Tree { files }, sources)
}

/// Known exceptions, by file and rule (`handlers`, `diesel`, `audit`, `query`, `upward`, `actix`, `cycle`,
/// `long`). Empty: every rule holds in every file. Were one ever listed, a finding not listed would still fail
/// the test, and so would an entry with no finding left.
const NOT_YET: &[(&str, &str)] = &[];

/// Checks findings (file, rule, text) against [`NOT_YET`].
fn judge(findings: Vec<(String, &'static str, String)>, kinds: &[&str]) {
    let new: Vec<&String> = findings
        .iter()
        .filter(|(f, k, _)| !NOT_YET.contains(&(f.as_str(), *k)))
        .map(|(_, _, t)| t)
        .collect();
    let stale: Vec<&(&str, &str)> = NOT_YET
        .iter()
        .filter(|(f, k)| kinds.contains(k) && !findings.iter().any(|(g, j, _)| g == f && j == k))
        .collect();
    let mut keys: Vec<String> = findings
        .iter()
        .filter(|(f, k, _)| !NOT_YET.contains(&(f.as_str(), *k)))
        .map(|(f, k, _)| format!("    (\"{f}\", \"{k}\"),"))
        .collect();
    keys.sort();
    keys.dedup();
    assert!(
        new.is_empty() && stale.is_empty(),
        "{} findings:\n{}\nnot in NOT_YET:\n{}\nentries of NOT_YET with no finding left (remove them): {stale:?}",
        new.len(),
        new.iter().map(|t| t.as_str()).collect::<Vec<_>>().join("\n"),
        keys.join("\n")
    );
}

#[test]
fn every_source_file_has_a_layer() {
    let (_, sources) = load();
    let missing: Vec<&str> = sources
        .iter()
        .filter(|s| layer_of(&s.rel).is_none())
        .map(|s| s.rel.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "give these files a layer in tests/layers.rs (and docs/architecture.md): {missing:?}"
    );
}

#[test]
fn the_layers_are_kept() {
    let (tree, sources) = load();
    let mut findings = Vec::new();
    for src in &sources {
        let Some(layer) = layer_of(&src.rel) else {
            continue;
        };
        for e in edges(&tree, src) {
            let to_name = e.to.rsplit('/').next().unwrap_or(&e.to);
            let to_web = layer_of(&e.to) == Some(Layer::Web);
            if to_web
                && (to_name == "handlers.rs" || to_name == "pages.rs")
                && src.rel != "routes.rs"
                && src.rel != "app.rs"
            {
                findings.push((
                    src.rel.clone(),
                    "handlers",
                    format!(
                        "src/{}:{}: only the route list may use handlers or pages, not `{}`",
                        src.rel,
                        e.line,
                        e.path.join("::")
                    ),
                ));
            }
            if layer == Layer::Web
                && layer_of(&e.to) == Some(Layer::Data)
                && !to_name.ends_with("model.rs")
                && to_name != "schema.rs"
            {
                findings.push((
                    src.rel.clone(),
                    "query",
                    format!(
                        "src/{}:{}: a handler or page calls a query (`{}`); it calls a use case",
                        src.rel,
                        e.line,
                        e.path.join("::")
                    ),
                ));
            }
            if layer == Layer::Web
                && e.path.len() >= 2
                && e.path[0] == "audit"
                && e.path[1] == "record"
            {
                findings.push((
                    src.rel.clone(),
                    "audit",
                    format!(
                    "src/{}:{}: a handler or page writes an audit entry; that is a use case's work",
                    src.rel, e.line
                ),
                ));
            }
            if layer != Layer::Web && layer != Layer::Infrastructure && to_web {
                findings.push((
                    src.rel.clone(),
                    "upward",
                    format!(
                        "src/{}:{}: a {layer:?} module uses the web layer: `{}`",
                        src.rel,
                        e.line,
                        e.path.join("::")
                    ),
                ));
            }
        }
        for f in &src.found {
            let first = f.segments.first().map(String::as_str);
            if layer == Layer::Web && first == Some("diesel") {
                findings.push((src.rel.clone(), "diesel", format!(
                    "src/{}:{}: a handler or page uses diesel (`{}`); queries belong below the use cases",
                    src.rel,
                    f.line,
                    f.segments.join("::")
                )));
            }
            if matches!(layer, Layer::UseCase | Layer::Domain | Layer::Data)
                && first.is_some_and(|s| s.starts_with("actix"))
            {
                findings.push((
                    src.rel.clone(),
                    "actix",
                    format!(
                        "src/{}:{}: a {layer:?} module uses actix-web (`{}`)",
                        src.rel,
                        f.line,
                        f.segments.join("::")
                    ),
                ));
            }
        }
    }
    judge(
        findings,
        &["handlers", "query", "audit", "upward", "diesel", "actix"],
    );
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let (tree, sources) = load();
    // File → (file → first line that uses it).
    let mut graph: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for src in &sources {
        let out = graph.entry(src.rel.clone()).or_default();
        for e in edges(&tree, src) {
            out.entry(e.to).or_insert(e.line);
        }
    }
    // Strongly connected components (Tarjan); each with more than one file is a cycle.
    let names: Vec<String> = graph.keys().cloned().collect();
    let index_of: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let adj: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            graph[n]
                .keys()
                .filter_map(|t| index_of.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let components = strongly_connected(&adj);
    let mut findings = Vec::new();
    for comp in components.into_iter().filter(|c| c.len() > 1) {
        let set: BTreeSet<usize> = comp.iter().copied().collect();
        let mut lines = Vec::new();
        for &a in &comp {
            for &b in &adj[a] {
                if set.contains(&b) {
                    lines.push(format!(
                        "  src/{}:{} uses src/{}",
                        names[a], graph[&names[a]][&names[b]], names[b]
                    ));
                }
            }
        }
        let text = format!(
            "a cycle through {} files:\n{}",
            comp.len(),
            lines.join("\n")
        );
        for &a in &comp {
            findings.push((names[a].clone(), "cycle", text.clone()));
        }
    }
    judge(findings, &["cycle"]);
}

/// Tarjan's algorithm, iterative enough for a few hundred files.
fn strongly_connected(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    struct State<'a> {
        adj: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.adj[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            s.out.push(comp);
        }
    }
    let n = adj.len();
    let mut s = State {
        adj,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out
}

/// Route handlers of a token stream (functions under `#[get(…)]`, `#[post(…)]`, …): name, first line (of
/// `fn`), last line (of the closing brace).
fn functions(stream: TokenStream, out: &mut Vec<(String, usize, usize)>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut routed = false;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
                let first = g.stream().into_iter().next();
                if let Some(TokenTree::Ident(a)) = first {
                    let a = a.to_string();
                    routed |= matches!(
                        a.as_str(),
                        "get" | "post" | "put" | "patch" | "delete" | "route"
                    );
                }
            }
            TokenTree::Ident(id) if id == "fn" => {
                if !std::mem::take(&mut routed) {
                    continue;
                }
                let Some(TokenTree::Ident(name)) = tokens.get(i + 1) else {
                    continue;
                };
                let body = tokens[i + 2..].iter().find_map(|t| match t {
                    TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some(g),
                    _ => None,
                });
                if let Some(body) = body {
                    out.push((
                        name.to_string(),
                        id.span().start().line,
                        body.span_close().end().line,
                    ));
                }
            }
            TokenTree::Group(g) => functions(g.stream(), out),
            _ => {}
        }
    }
}

#[test]
fn no_handler_is_longer_than_50_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut findings = Vec::new();
    for src in read_sources(&root) {
        if layer_of(&src.rel) != Some(Layer::Web) {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&src.rel)).unwrap_or_default();
        let stream = TokenStream::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", src.rel));
        let mut fns = Vec::new();
        functions(stream, &mut fns);
        for (name, first, last) in fns {
            let n = last - first + 1;
            if n > 50 {
                findings.push((
                    src.rel.clone(),
                    "long",
                    format!(
                        "src/{}:{first}: `{name}` has {n} lines; a handler extracts, calls one use case and renders",
                        src.rel
                    ),
                ));
            }
        }
    }
    judge(findings, &["long"]);
}

/// The route table of `docs/architecture.md` (between its markers), made from the served OpenAPI document,
/// which `routes.rs` builds together with the routes.
fn route_table() -> String {
    let doc = serde_json::to_value(niuyang::app::openapi_document()).unwrap_or_default();
    let mut rows = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else {
                continue;
            };
            for (method, op) in ops {
                if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                    continue;
                }
                let tag = op["tags"][0].as_str().unwrap_or("");
                let id = op["operationId"].as_str().unwrap_or("");
                let login = if op.get("security").is_some() {
                    "token"
                } else {
                    "none"
                };
                rows.push(format!(
                    "| `{} {path}` | {tag} | `{id}` | {login} |",
                    method.to_uppercase()
                ));
            }
        }
    }
    rows.sort();
    format!(
        "| route | tag | operation | login |\n|---|---|---|---|\n{}\n",
        rows.join("\n")
    )
}

#[test]
fn the_route_table_in_architecture_md_is_the_route_list() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (begin, end) = ("<!-- routes:begin -->\n", "<!-- routes:end -->");
    let (Some(a), Some(b)) = (text.find(begin), text.find(end)) else {
        panic!("docs/architecture.md has no {begin:?} … {end:?} markers");
    };
    let table = route_table();
    if std::env::var_os("NIUYANG_UPDATE_DOCS").is_some() {
        let updated = format!("{}{begin}{table}{}", &text[..a], &text[b..]);
        std::fs::write(&path, updated).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    assert_eq!(
        &text[a + begin.len()..b],
        table,
        "the route table in docs/architecture.md is not the route list; \
         NIUYANG_UPDATE_DOCS=1 cargo test --test layers route_table rewrites it"
    );
}

#[test]
fn the_docs_name_only_files_the_repository_has() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap_or_default();
    let mut missing = Vec::new();
    let all_files: Vec<String> = read_sources(&root.join("src"))
        .into_iter()
        .map(|s| s.rel)
        .collect();
    // Every `file.rs`, `folder/file.rs` or `folder/` in backticks: a bare file name must be some file's name,
    // a path must exist under `src/` or the repository.
    for part in text.split('`').skip(1).step_by(2) {
        let p = part.trim();
        let plain = !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
            && !p.starts_with('/');
        if !plain || !(p.ends_with(".rs") || p.ends_with('/')) {
            continue;
        }
        let found = if p.contains('/') && p != "/" {
            root.join("src").join(p).exists() || root.join(p).exists()
        } else {
            all_files.iter().any(|f| f.rsplit('/').next() == Some(p))
        };
        if !found {
            missing.push(p.to_string());
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "docs/architecture.md names files the repository does not have: {missing:?}"
    );
    // And its module table is complete: every top-level file and folder of `src/` is named.
    let mut unnamed: Vec<String> = all_files
        .iter()
        .map(|f| match f.split_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => f.clone(),
        })
        .filter(|m| m != "lib.rs" && m != "main.rs" && !text.contains(&format!("`{m}`")))
        .collect();
    unnamed.sort();
    unnamed.dedup();
    assert!(
        unnamed.is_empty(),
        "docs/architecture.md does not name these modules: {unnamed:?}"
    );
}
