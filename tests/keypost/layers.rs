//! The import graph of `src/`, read from the source text, so that the layering stays true:
//!
//! - the core (every module outside `worker`) never refers to the worker (`worker::…`);
//! - the worker's modules form no import cycle ([`KNOWN_EDGES`], the edges once let close one,
//!   is empty and stays so), and each imports only its own layer or those below ([`LAYERS`]:
//!   protocol, platform, stores, handlers and tasks, driver, exports);
//! - only the driver spawns a task (`only_the_driver_spawns`, from the tokens of each file).
//!
//! A file is a module (`src/worker/schedule/run.rs` is `worker::schedule::run`, `mod.rs` is its
//! folder's module, `src/lib.rs` is `crate`). Its references are the paths it writes outside
//! comments, strings and `#[cfg(test)] mod` blocks: `use` trees (grouped, `pub use`) and inline
//! paths such as `super::changes::mark(Change::Queue)`, starting at `crate`, `super`, `self` or a
//! child module's name. A path stands for the longest module that prefixes it
//! (`crate::worker::at_rest::DRAFT_KEY` is `worker::at_rest`); a child using its parent's items
//! depends on its parent. A name that module only imports is followed to where it comes from:
//! `use super::AppError` depends on `worker::error`, not on `worker`, which re-exports it. (Not in
//! the core: there, naming `crate::worker::…` at all is the fault, even for a re-export.)

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The edges (from -> to) allowed to close an import cycle of the worker: none. It held the 48
/// edges of two cycles (ARCHITECTURE-REVIEW-R3 §1.1 names their causes) until the worker was
/// layered ([`LAYERS`]). `worker_imports_have_no_cycle` fails on any edge that closes a cycle.
///
/// This list may only shrink, and it is empty: never add an edge, fix the code instead (move
/// the item a layer down, or mark the effect in `changes` for the driver to settle).
const KNOWN_EDGES: &[(&str, &str)] = &[];

/// The worker's layers, bottom first (docs/ARCHITECTURE.md, "The worker's layers"): every
/// module of `src/worker/` is in one, and imports run only down or within a layer
/// (`worker_imports_run_downward`; within a layer, `worker_imports_have_no_cycle` keeps them
/// acyclic). A new module goes into the layer of what it does.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "protocol",
        &[
            "worker::error",
            "worker::protocol",
            "worker::protocol::answers",
            "worker::protocol::decode",
            "worker::protocol::messages",
        ],
    ),
    (
        "platform",
        &[
            "worker::platform",
            "worker::platform::types",
            "worker::platform::web",
            "worker::platform::memory",
            "worker::clock",
            "worker::config",
            "worker::net",
        ],
    ),
    (
        "stores",
        &[
            "worker::changes",
            "worker::session",
            "worker::at_rest",
            "worker::history",
            "worker::media",
            "worker::progress",
            "worker::schedule::store",
            "worker::schedule::slots_store",
        ],
    ),
    (
        "handlers and tasks",
        &[
            "worker::msg_vault",
            "worker::msg_accounts",
            "worker::msg_compose",
            "worker::msg_core",
            "worker::status",
            "worker::schedule",
            "worker::schedule::add",
            "worker::schedule::series",
            "worker::schedule::plans",
            "worker::schedule::slots",
            "worker::schedule::view",
            "worker::send",
            "worker::upload",
            "worker::rekey",
            "worker::set_aside",
            "worker::schedule::run",
            "worker::schedule::late_notice",
            "worker::schedule::notify",
            "worker::schedule::toolbar",
        ],
    ),
    ("driver", &["worker::driver"]),
    ("exports", &["worker"]),
];

/// Where a path that creates an edge is written.
struct Site {
    file: String,
    line: usize,
    text: String,
}

struct Graph {
    /// module -> its file, relative to the crate (`src/worker/mod.rs`)
    modules: BTreeMap<String, String>,
    /// (from, to) -> every place that writes it
    edges: BTreeMap<(String, String), Vec<Site>>,
    /// every module a `mod name;` declares (outside test blocks): each should be a file
    declared: BTreeSet<Vec<String>>,
}

fn graph() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(|| read_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")))
}

fn is_worker(module: &str) -> bool {
    module == "worker" || module.starts_with("worker::")
}

/// `crate` for the root, else `a::b`.
fn key(segments: &[String]) -> String {
    if segments.is_empty() {
        "crate".to_owned()
    } else {
        segments.join("::")
    }
}

/// `scope::name`.
fn child(scope: &[String], name: &str) -> Vec<String> {
    let mut path = scope.to_vec();
    path.push(name.to_owned());
    path
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// `worker/schedule/run.rs` -> `[worker, schedule, run]`; `worker/mod.rs` -> `[worker]`; `lib.rs` -> `[]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut segments: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(segments.as_slice(), [only] if only == "lib" || only == "main") {
        segments.clear();
    } else if segments.last().is_some_and(|last| last == "mod") {
        segments.pop();
    }
    segments
}

fn read_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let sources: Vec<(String, Vec<String>, String)> = files
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(src).expect("under src/");
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let shown = Path::new("src").join(relative).display().to_string();
            (shown, module_of(relative), text)
        })
        .collect();
    let known: BTreeSet<Vec<String>> = sources.iter().map(|(_, m, _)| m.clone()).collect();

    let scans: Vec<(&String, &Vec<String>, Scan)> = sources
        .iter()
        .map(|(file, module, text)| (file, module, scan(&lex(text), module, &known)))
        .collect();
    let mut names = Names {
        known,
        bindings: BTreeMap::new(),
    };
    for (_, module, scan) in &scans {
        for (name, path) in &scan.bindings {
            names
                .bindings
                .insert((module.to_vec(), name.clone()), path.clone());
        }
    }

    let mut graph = Graph {
        modules: sources
            .iter()
            .map(|(f, m, _)| (key(m), f.clone()))
            .collect(),
        edges: BTreeMap::new(),
        declared: BTreeSet::new(),
    };
    for (file, module, scan) in scans {
        graph.declared.extend(scan.declared);
        for reference in scan.references {
            let follow = is_worker(&key(module));
            let Some(target) = names.module(&reference.scope, &reference.path, follow) else {
                continue;
            };
            if &target == module {
                continue;
            }
            let mut text = reference.path.join("::");
            if reference.in_use {
                text = format!("use {}", text.trim_end_matches("::self"));
            }
            graph
                .edges
                .entry((key(module), key(&target)))
                .or_default()
                .push(Site {
                    file: file.clone(),
                    line: reference.line,
                    text,
                });
        }
    }
    graph
}

/// What the paths of this crate can name.
struct Names {
    /// every module (a file)
    known: BTreeSet<Vec<String>>,
    /// (module, name) -> the path a file-level `use` in that module binds to the name
    bindings: BTreeMap<(Vec<String>, String), Vec<String>>,
}

impl Names {
    /// A path written in `scope`, made absolute (`None` for other crates: `serde::…`, `std::…`).
    fn absolute(&self, scope: &[String], path: &[String]) -> Option<Vec<String>> {
        let (first, rest) = path.split_first()?;
        let child = child(scope, first);
        let mut absolute = match first.as_str() {
            "crate" => Vec::new(),
            "self" => scope.to_vec(),
            "super" => scope[..scope.len().checked_sub(1)?].to_vec(),
            _ if self.known.contains(&child) => child,
            _ => return None,
        };
        for segment in rest {
            match segment.as_str() {
                "self" => {}
                "super" => {
                    absolute.pop()?;
                }
                _ => absolute.push(segment.clone()),
            }
        }
        Some(absolute)
    }

    /// The module a path stands for: the longest module that prefixes it, or, with `follow` and
    /// where the next segment is a name that module imports (`pub use error::AppError`), the
    /// module that name comes from: a re-export is no dependency on the module that re-exports.
    fn module(&self, scope: &[String], path: &[String], follow: bool) -> Option<Vec<String>> {
        let mut absolute = self.absolute(scope, path)?;
        for _ in 0..8 {
            let mut module = absolute.clone();
            while !self.known.contains(&module) {
                module.pop()?;
            }
            let Some(next) = absolute.get(module.len()).filter(|_| follow) else {
                return Some(module);
            };
            let imported = self.bindings.get(&(module.clone(), next.clone()));
            match imported.and_then(|path| self.absolute(&module, path)) {
                Some(origin) => absolute = [&origin, &absolute[module.len() + 1..]].concat(),
                None => return Some(module),
            }
        }
        None // a name that re-exports itself
    }
}

// ---- reading the source text ----

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
    /// a string, character or number (its contents are no path)
    Literal,
}

struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The index just past a quoted literal whose opening quote is at `start`.
fn quoted_end(s: &[char], start: usize) -> usize {
    let quote = s[start];
    let mut i = start + 1;
    while i < s.len() && s[i] != quote {
        i += if s[i] == '\\' { 2 } else { 1 };
    }
    i + 1
}

/// The index just past a raw string whose hashes (or quote) start at `start`, if one starts there.
fn raw_string_end(s: &[char], start: usize) -> Option<usize> {
    let hashes = s[start..].iter().take_while(|&&c| c == '#').count();
    if s.get(start + hashes) != Some(&'"') {
        return None;
    }
    let mut i = start + hashes + 1;
    while i < s.len() {
        if s[i] == '"'
            && s[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(s.len())
}

/// Tokens with their lines; comments (doc comments too), whitespace and lifetimes are dropped.
fn lex(text: &str) -> Vec<Token> {
    let s: Vec<char> = text.chars().collect();
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < s.len() {
        let start = i;
        let c = s[i];
        let tok = if c == '/' && at(i + 1) == '/' {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
            None
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= s.len() {
                    break;
                } else if s[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if s[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            None
        } else if c.is_whitespace() {
            i += 1;
            None
        } else if c == '"' {
            i = quoted_end(&s, i);
            Some(Tok::Literal)
        } else if c == '\'' {
            if at(i + 1) == '\\' {
                i += 3;
                while i < s.len() && s[i] != '\'' {
                    i += 1;
                }
                i += 1;
                Some(Tok::Literal)
            } else if at(i + 2) == '\'' {
                i += 3;
                Some(Tok::Literal)
            } else {
                // a lifetime or a label
                i += 1;
                while is_ident_char(at(i)) {
                    i += 1;
                }
                None
            }
        } else if c.is_ascii_digit() {
            while is_ident_char(at(i)) {
                i += 1;
            }
            if at(i) == '.' && at(i + 1).is_ascii_digit() {
                i += 1;
                while is_ident_char(at(i)) {
                    i += 1;
                }
            }
            Some(Tok::Literal)
        } else if is_ident_char(c) {
            while is_ident_char(at(i)) {
                i += 1;
            }
            let word: String = s[start..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr")
                .then(|| raw_string_end(&s, i))
                .flatten();
            if let Some(end) = raw {
                i = end;
                Some(Tok::Literal)
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"'
                || word == "b" && at(i) == '\''
            {
                i = quoted_end(&s, i);
                Some(Tok::Literal)
            } else if word == "r" && at(i) == '#' && is_ident_char(at(i + 1)) {
                // a raw identifier: r#type
                i += 1;
                let from = i;
                while is_ident_char(at(i)) {
                    i += 1;
                }
                Some(Tok::Ident(s[from..i].iter().collect()))
            } else {
                Some(Tok::Ident(word))
            }
        } else if c == ':' && at(i + 1) == ':' {
            i += 2;
            Some(Tok::PathSep)
        } else {
            i += 1;
            Some(Tok::Punct(c))
        };
        if let Some(tok) = tok {
            out.push(Token { tok, line });
        }
        line += s[start..i.min(s.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count();
    }
    out
}

/// A path written in a file: its segments as written, and the module it is written in (a file's
/// module, or an inline `mod` inside it).
struct Reference {
    scope: Vec<String>,
    path: Vec<String>,
    line: usize,
    in_use: bool,
}

struct Scan {
    references: Vec<Reference>,
    declared: Vec<Vec<String>>,
    /// name -> path, for each name a file-level `use` binds (`use a::b as c` binds `c`)
    bindings: Vec<(String, Vec<String>)>,
}

/// One path of a use tree, and the name it binds (none for a glob).
struct UsePath {
    path: Vec<String>,
    line: usize,
    binds: Option<String>,
}

fn ident(toks: &[Token], i: usize) -> Option<&str> {
    match toks.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(name)) => Some(name),
        _ => None,
    }
}

fn is(toks: &[Token], i: usize, want: &Tok) -> bool {
    toks.get(i).is_some_and(|t| &t.tok == want)
}

/// The index of the `}` or `]` that closes the `{` or `[` at `open`.
fn closing(toks: &[Token], open: usize) -> usize {
    let (left, right) = match toks.get(open).map(|t| &t.tok) {
        Some(Tok::Punct('[')) => ('[', ']'),
        _ => ('{', '}'),
    };
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Punct(c) if c == left => depth += 1,
            Tok::Punct(c) if c == right => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// At `#[cfg(test)]` (index of `#`) that is followed, after any other attributes and a
/// visibility, by `mod name {`: the index of that `{`.
fn cfg_test_mod(toks: &[Token], hash: usize) -> Option<usize> {
    let cfg_test = [
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    if !cfg_test
        .iter()
        .enumerate()
        .all(|(k, want)| is(toks, hash + 1 + k, want))
    {
        return None;
    }
    let mut i = hash + 1 + cfg_test.len();
    loop {
        if is(toks, i, &Tok::Punct('#')) && is(toks, i + 1, &Tok::Punct('[')) {
            i = closing(toks, i + 1) + 1;
        } else if ident(toks, i) == Some("pub") {
            i += 1;
            if is(toks, i, &Tok::Punct('(')) {
                while i < toks.len() && !is(toks, i, &Tok::Punct(')')) {
                    i += 1;
                }
                i += 1;
            }
        } else {
            break;
        }
    }
    (ident(toks, i) == Some("mod") && ident(toks, i + 1).is_some())
        .then_some(i + 2)
        .filter(|&open| is(toks, open, &Tok::Punct('{')))
}

/// Parses one use tree at `i` under `prefix`, pushing every full path it names (a glob or a
/// group's `self` names the prefix itself); returns the index just past the tree.
fn use_tree(
    toks: &[Token],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<UsePath>,
) -> usize {
    if is(toks, i, &Tok::PathSep) {
        // `use ::name`: another crate
        prefix.push("::".to_owned());
        i += 1;
    }
    while let Some(t) = toks.get(i) {
        match &t.tok {
            Tok::Punct('{') => {
                i += 1;
                while i < toks.len() && !is(toks, i, &Tok::Punct('}')) {
                    i = use_tree(toks, i, prefix.clone(), out);
                    if is(toks, i, &Tok::Punct(',')) {
                        i += 1;
                    }
                }
                return i + 1;
            }
            Tok::Punct('*') => {
                prefix.push("*".to_owned());
                out.push(UsePath {
                    path: prefix,
                    line: t.line,
                    binds: None,
                });
                return i + 1;
            }
            Tok::Ident(name) => {
                prefix.push(name.clone());
                i += 1;
                if is(toks, i, &Tok::PathSep) {
                    i += 1;
                    continue;
                }
                let mut binds = match name.as_str() {
                    "self" => prefix.iter().rev().nth(1).cloned(),
                    _ => Some(name.clone()),
                };
                if ident(toks, i) == Some("as") {
                    binds = ident(toks, i + 1).map(str::to_owned);
                    i += 2;
                }
                out.push(UsePath {
                    path: prefix,
                    line: t.line,
                    binds,
                });
                return i;
            }
            _ => return i + 1,
        }
    }
    i
}

/// Every path a file writes that may name a module of this crate, and every `mod` it declares.
fn scan(toks: &[Token], module: &[String], known: &BTreeSet<Vec<String>>) -> Scan {
    let mut found = Scan {
        references: Vec::new(),
        declared: Vec::new(),
        bindings: Vec::new(),
    };
    // inline modules we are in: (name, brace depth of their body)
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let scope: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        let after_path_or_dot = i > 0 && matches!(toks[i - 1].tok, Tok::PathSep | Tok::Punct('.'));
        match &toks[i].tok {
            Tok::Punct('#') => {
                i = match cfg_test_mod(toks, i) {
                    Some(open) => closing(toks, open) + 1,
                    None => i + 1,
                };
            }
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|&(_, d)| d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Tok::Ident(word) if word == "mod" && ident(toks, i + 1).is_some() => {
                let name = ident(toks, i + 1).unwrap_or_default().to_owned();
                if is(toks, i + 2, &Tok::Punct('{')) {
                    depth += 1;
                    inline.push((name, depth));
                    i += 3;
                } else {
                    found.declared.push(child(&scope, &name));
                    i += 2;
                }
            }
            Tok::Ident(word) if word == "use" && !after_path_or_dot => {
                let mut paths = Vec::new();
                i = use_tree(toks, i + 1, Vec::new(), &mut paths);
                for UsePath { path, line, binds } in paths {
                    if let Some(name) = binds.filter(|_| depth == 0) {
                        found.bindings.push((name, path.clone()));
                    }
                    found.references.push(Reference {
                        scope: scope.clone(),
                        path,
                        line,
                        in_use: true,
                    });
                }
            }
            Tok::Ident(first)
                if !after_path_or_dot
                    && is(toks, i + 1, &Tok::PathSep)
                    && ident(toks, i + 2).is_some() =>
            {
                let line = toks[i].line;
                let mut path = vec![first.clone()];
                i += 1;
                while is(toks, i, &Tok::PathSep) {
                    let Some(next) = ident(toks, i + 1) else {
                        break;
                    };
                    path.push(next.to_owned());
                    i += 2;
                }
                let ours = matches!(first.as_str(), "crate" | "super" | "self")
                    || known.contains(&child(&scope, first));
                if ours {
                    found.references.push(Reference {
                        scope,
                        path,
                        line,
                        in_use: false,
                    });
                }
            }
            _ => i += 1,
        }
    }
    found
}

// ---- cycles ----

/// Tarjan's strongly connected components of `nodes` under `edges`, each sorted, those of more
/// than one module only (no module has an edge to itself).
fn cycles(nodes: &BTreeSet<String>, edges: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    struct Tarjan<'a> {
        next: BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.next.get(v).cloned().unwrap_or_default() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut tarjan = Tarjan {
        next: BTreeMap::new(),
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for (from, to) in edges {
        tarjan
            .next
            .entry(from.as_str())
            .or_default()
            .push(to.as_str());
    }
    for v in nodes {
        if !tarjan.index.contains_key(v.as_str()) {
            tarjan.visit(v);
        }
    }
    tarjan.found.sort();
    tarjan.found
}

/// The worker's modules and the edges between them.
fn worker_graph(graph: &Graph) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let nodes = graph
        .modules
        .keys()
        .filter(|m| is_worker(m))
        .cloned()
        .collect();
    let edges = graph
        .edges
        .keys()
        .filter(|(from, to)| is_worker(from) && is_worker(to))
        .cloned()
        .collect();
    (nodes, edges)
}

fn write_sites(out: &mut String, graph: &Graph, from: &str, to: &str) {
    let _ = writeln!(out, "  {from} -> {to}");
    let mut lines: BTreeMap<(&str, usize), Vec<&str>> = BTreeMap::new();
    for site in &graph.edges[&(from.to_owned(), to.to_owned())] {
        lines
            .entry((&site.file, site.line))
            .or_default()
            .push(&site.text);
    }
    for ((file, line), texts) in lines {
        let _ = writeln!(out, "      {file}:{line}: {}", texts.join(", "));
    }
}

// ---- the tests ----

/// The graph is only as good as the module map: every file is a module its parent declares, and
/// every `mod name;` is a file, so no `#[path]` or stray file fools it.
#[test]
fn every_file_is_a_declared_module() {
    let graph = graph();
    let mut problems = String::new();
    for (module, file) in &graph.modules {
        if module != "crate" && !graph.declared.iter().any(|m| key(m) == *module) {
            let _ = writeln!(problems, "  {file}: no `mod` declares {module}");
        }
    }
    for module in &graph.declared {
        if !graph.modules.contains_key(&key(module)) {
            let _ = writeln!(problems, "  `mod` {}: no file", key(module));
        }
    }
    assert!(
        problems.is_empty(),
        "files the module map cannot place:\n{problems}"
    );
    assert!(
        graph.edges.len() >= graph.modules.len(),
        "only {} edges between {} modules: the reader of src/ is broken",
        graph.edges.len(),
        graph.modules.len()
    );
}

#[test]
fn core_never_refers_to_the_worker() {
    let graph = graph();
    let mut problems = String::new();
    for (from, to) in graph.edges.keys() {
        if !is_worker(from) && is_worker(to) {
            write_sites(&mut problems, graph, from, to);
        }
    }
    assert!(
        problems.is_empty(),
        "the core (src/ outside src/worker/) refers to the worker; move what it needs into the \
         core, or the call into the worker:\n{problems}"
    );
}

/// No edge closes a cycle unless it is known. This finds every cycle of the graph without the
/// known edges, and also a new edge that closes a cycle only together with known ones.
#[test]
fn worker_imports_have_no_cycle() {
    let graph = graph();
    let (nodes, edges) = worker_graph(graph);
    let mut problems = String::new();
    for cycle in cycles(&nodes, &edges) {
        let unknown: Vec<&(String, String)> = edges
            .iter()
            .filter(|(from, to)| cycle.contains(from) && cycle.contains(to))
            .filter(|(from, to)| !KNOWN_EDGES.contains(&(from.as_str(), to.as_str())))
            .collect();
        if unknown.is_empty() {
            continue;
        }
        let _ = writeln!(
            problems,
            "a cycle of {} modules: {}",
            cycle.len(),
            cycle.join(", ")
        );
        let _ = writeln!(
            problems,
            "closed by these edges, which KNOWN_EDGES does not list:"
        );
        for (from, to) in unknown {
            write_sites(&mut problems, graph, from, to);
        }
    }
    assert!(
        problems.is_empty(),
        "the worker's imports go in a circle; move the item a layer down, or return the effect \
         to the driver instead of calling up (KNOWN_EDGES only shrinks):\n{problems}"
    );
}

#[test]
fn known_edges_are_not_stale() {
    let graph = graph();
    let (nodes, edges) = worker_graph(graph);
    let in_cycle: Vec<Vec<String>> = cycles(&nodes, &edges);
    let mut problems = String::new();
    for &(from, to) in KNOWN_EDGES {
        let edge = (from.to_owned(), to.to_owned());
        if !edges.contains(&edge) {
            let _ = writeln!(problems, "  {from} -> {to}: no longer in the code");
        } else if !in_cycle
            .iter()
            .any(|c| c.contains(&edge.0) && c.contains(&edge.1))
        {
            let _ = writeln!(
                problems,
                "  {from} -> {to}: still in the code, but closes no cycle"
            );
        }
    }
    assert!(
        problems.is_empty(),
        "take these out of KNOWN_EDGES in tests/keypost/layers.rs (the list only shrinks):\n{problems}"
    );
}

/// Every module of the worker is in one layer of [`LAYERS`], and none imports a layer above its
/// own: the driver is the only way up (it settles what the layers below marked in `changes`).
#[test]
fn worker_imports_run_downward() {
    let graph = graph();
    let (nodes, edges) = worker_graph(graph);
    let mut layer_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = String::new();
    for (index, (_, modules)) in LAYERS.iter().enumerate() {
        for &module in *modules {
            if layer_of.insert(module, index).is_some() {
                let _ = writeln!(problems, "  {module}: in two layers");
            }
            if !nodes.contains(module) {
                let _ = writeln!(problems, "  {module}: in LAYERS, but no such module");
            }
        }
    }
    for module in &nodes {
        if !layer_of.contains_key(module.as_str()) {
            let _ = writeln!(problems, "  {module}: in no layer; add it to LAYERS");
        }
    }
    for (from, to) in &edges {
        let (Some(&up), Some(&down)) = (layer_of.get(from.as_str()), layer_of.get(to.as_str()))
        else {
            continue;
        };
        if down > up {
            let _ = writeln!(
                problems,
                "  {from} ({}) imports {to} ({}), a layer above it:",
                LAYERS[up].0, LAYERS[down].0
            );
            write_sites(&mut problems, graph, from, to);
        }
    }
    assert!(
        problems.is_empty(),
        "the worker's layers do not hold; move the item a layer down, or mark the effect in \
         `changes` for the driver to settle:\n{problems}"
    );
}

/// Only the driver spawns: outside `driver.rs` and the platform that implements it, no file of
/// the worker calls a `spawn` (a task started elsewhere is an effect the driver does not settle).
#[test]
fn only_the_driver_spawns() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("worker"), &mut files);
    let mut problems = String::new();
    for path in files {
        let relative = path.strip_prefix(&src).expect("under src/");
        let module = key(&module_of(relative));
        if module == "worker::driver" || module.starts_with("worker::platform") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let toks = lex(&text);
        for pair in toks.windows(2) {
            if matches!(&pair[0].tok, Tok::Ident(name) if name.starts_with("spawn"))
                && pair[1].tok == Tok::Punct('(')
            {
                let _ = writeln!(problems, "  src/{}:{}", relative.display(), pair[0].line);
            }
        }
    }
    assert!(
        problems.is_empty(),
        "a task spawned outside the driver; mark the effect in `changes` for the driver to \
         settle instead:\n{problems}"
    );
}

/// The reader itself: paths in code count, paths in comments, strings and test blocks do not.
#[test]
fn reader_takes_paths_from_code_only() {
    let text = r##"
//! [`crate::worker::doc`] in a doc comment
/* crate::worker::block /* nested */ comment */
use super::{b, c::Item as Other, self as parent};
pub use crate::d::*;
fn f(x: &X) -> &'static str {
    let _ = ('x', '\'', b'"', r#"crate::raw"#);
    crate::e::go();
    x.child::<u8>();
    child::run(sibling::no);
    "super::string"
}
#[cfg(test)]
mod tests {
    use crate::only_in_tests;
}
"##;
    let module = vec!["worker".to_owned(), "a".to_owned()];
    let known = BTreeSet::from([module.clone(), child(&module, "child")]);
    let found: Vec<String> = scan(&lex(text), &module, &known)
        .references
        .iter()
        .map(|r| format!("{}:{}", r.line, r.path.join("::")))
        .collect();
    assert_eq!(
        found,
        [
            "4:super::b",
            "4:super::c::Item",
            "4:super::self",
            "5:crate::d::*",
            "8:crate::e::go",
            "10:child::run",
        ]
    );
}
