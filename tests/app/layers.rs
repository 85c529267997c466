//! The layers of `src/`, read from its source: no import cycle between modules, and routes
//! reach the database only through services.
//!
//! Each file is a module; `use` paths and `crate::…` paths in its code (not its unit tests)
//! are its imports, resolved through the `pub use` re-exports of a module's `mod.rs` to the
//! file that defines the item. A parent module naming its own children (to declare, re-export
//! or mount them) is not an import: the parent is their front.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`routes::api`) → its code without comments and unit tests.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts == ["main"] || parts == ["lib"] {
                continue;
            }
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            out.insert(parts.join("::"), code_of(&text));
        }
    }
    out
}

/// The text without `//` comments and without what follows `#[cfg(test)]`.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parent(module: &str) -> &str {
    module.rsplit_once("::").map_or("", |(p, _)| p)
}

/// Expands a use tree starting at `rest` (after a `prefix::`) into full paths.
fn expand(prefix: &str, rest: &str, out: &mut Vec<String>) {
    let rest = rest.trim();
    if let Some(inner) = rest.strip_prefix('{') {
        let inner = inner.strip_suffix('}').unwrap_or(inner);
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(prefix, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(prefix, &inner[start..], out);
        return;
    }
    if rest.is_empty() {
        return;
    }
    match rest.split_once("::") {
        Some((head, tail)) if !head.contains('{') => {
            expand(&format!("{prefix}::{head}"), tail, out)
        }
        _ => {
            let name = rest.split_whitespace().next().unwrap_or_default();
            match name {
                "self" => out.push(prefix.to_string()),
                "*" => out.push(prefix.to_string()),
                _ => out.push(format!("{prefix}::{name}")),
            }
        }
    }
}

/// Every `crate::` path the code names (use trees expanded), `super::` and `self::` made
/// absolute; and the relative `use child::…` of a parent module.
fn paths(module: &str, code: &str) -> Vec<String> {
    let sup = parent(module);
    let this = module;
    let abs = |p: &str| {
        if p.is_empty() {
            "crate".to_string()
        } else {
            format!("crate::{p}")
        }
    };
    let code = code
        .replace("super::super::", &format!("{}::", abs(parent(sup))))
        .replace("super::", &format!("{}::", abs(sup)))
        .replace("self::", &format!("{}::", abs(this)));
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let end = tree_end(after);
        expand("crate", &after[..end], &mut out);
        rest = &after[end..];
    }
    out.into_iter()
        .map(|p| p.trim_start_matches("crate::").to_string())
        .collect()
}

/// Where a path (or use tree) that starts at `text` ends.
fn tree_end(text: &str) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if depth > 0 || c.is_alphanumeric() || c == '_' || c == ':' => {}
            _ => return i,
        }
        if depth == 0 && c == '}' {
            return i + 1;
        }
    }
    text.len()
}

/// `front::Name` → the child that defines `Name`, from the front's `pub use child::…`.
fn reexports(modules: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (module, code) in modules {
        for stmt in code.split(';') {
            let Some(tree) = stmt.trim().strip_prefix("pub use ") else {
                continue;
            };
            let tree = tree.trim_start_matches("self::");
            let mut full = Vec::new();
            expand("", tree, &mut full);
            for path in full {
                let path = path.trim_start_matches("::");
                let Some((child, name)) = path.rsplit_once("::") else {
                    continue;
                };
                let child_module = if module.is_empty() {
                    child.to_string()
                } else {
                    format!("{module}::{child}")
                };
                let name = name.trim();
                if modules.contains_key(&child_module) {
                    out.insert(format!("{module}::{name}"), child_module);
                }
            }
        }
    }
    out
}

/// The module a path lands in: the longest known prefix, then through re-exports.
fn resolve(
    path: &str,
    modules: &BTreeMap<String, String>,
    reexports: &BTreeMap<String, String>,
) -> Option<String> {
    let segments: Vec<&str> = path.split("::").collect();
    for n in (1..=segments.len()).rev() {
        let prefix = segments[..n].join("::");
        if modules.contains_key(&prefix) {
            let mut module = prefix;
            let mut i = n;
            while let Some(next) = segments.get(i) {
                match reexports.get(&format!("{module}::{next}")) {
                    Some(child) => module = child.clone(),
                    None => break,
                }
                i += 1;
            }
            return Some(module);
        }
    }
    None
}

/// Module → the modules it imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let reexports = reexports(&modules);
    let mut graph = BTreeMap::new();
    for (module, code) in &modules {
        let targets: BTreeSet<String> = paths(module, code)
            .iter()
            .filter_map(|p| resolve(p, &modules, &reexports))
            .filter(|t| t != module && !t.starts_with(&format!("{module}::")))
            .collect();
        graph.insert(module.clone(), targets);
    }
    graph
}

/// The strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn no_import_cycle_between_modules() {
    let graph = imports();
    let found: Vec<String> = cycles(&graph)
        .into_iter()
        .map(|component| {
            let edges: Vec<String> = component
                .iter()
                .flat_map(|a| {
                    graph[a]
                        .iter()
                        .filter(|b| component.contains(b))
                        .map(move |b| format!("{a} → {b}"))
                })
                .collect();
            edges.join(", ")
        })
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}
#[test]
fn routes_reach_the_database_only_through_services() {
    let graph = imports();
    let offending: Vec<String> = graph
        .iter()
        .filter(|(module, _)| module.starts_with("routes"))
        .flat_map(|(module, targets)| {
            targets
                .iter()
                .filter(|t| {
                    t.starts_with("db::models")
                        || t.as_str() == "db::schema"
                        || t.starts_with("mail::")
                })
                .map(move |t| format!("{module} → {t}"))
        })
        .collect();
    assert!(
        offending.is_empty(),
        "routes importing the database:\n{}",
        offending.join("\n")
    );
}
