//! The engine's imports follow the module map in `src/lib.rs`: every `crate::` or `super::` path
//! in a module names only modules listed below it there, and no two files import each other in a
//! circle. A glob of the crate root (`use crate::*;`) names every module. Test code (`tests.rs`
//! files, `#[cfg(test)] mod tests` blocks) is not counted. Paths relative to a module's own
//! children (`mode::Build` in `parse.rs`) are not read: they stay inside one module of the map.
//!
//! Run `cargo test -p system-one-shim --test module_order -- --nocapture` to print the graph.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/` but test files, by module path (`convert::value`; `` for lib.rs).
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src(), &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src()).unwrap().with_extension("");
        let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if parts.last().is_some_and(|last| last == "tests") {
            continue;
        }
        if parts.last().is_some_and(|last| last == "mod" || last == "lib") {
            parts.pop();
        }
        modules.insert(parts.join("::"), without_tests_and_comments(&std::fs::read_to_string(&file).unwrap()));
    }
    modules
}

/// The code of a file without its inline `#[cfg(test)] mod tests { ... }` block and comment
/// lines. The block ends at the first line that is a lone `}` (rustfmt closes a file-level item
/// there), so code after it still counts. An out-of-line `mod tests;` is a `tests.rs` file,
/// already left out.
fn without_tests_and_comments(text: &str) -> String {
    let mut code = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        if line.trim() == "#[cfg(test)]" {
            if let Some(next) = lines.clone().next() {
                if next.trim_start().strip_prefix("mod tests").is_some_and(|rest| rest.trim() == "{") {
                    lines.by_ref().find(|line| *line == "}");
                    continue;
                }
            }
        }
        code.push(line);
    }
    code.join("\n")
}

/// Paths of a use tree starting at `text` (`a::b`, `a::{b, c::{d}}`), and where it ends.
fn use_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut prefix = Vec::new();
    loop {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if bytes.get(at) == Some(&b'{') {
            let mut paths = Vec::new();
            at += 1;
            loop {
                let (inner, used) = use_tree(&text[at..]);
                paths.extend(inner.into_iter().map(|tail| [prefix.clone(), tail].concat()));
                at += used;
                while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace() || *b == b',') {
                    at += 1;
                }
                if bytes.get(at).is_none_or(|b| *b == b'}') {
                    return (paths, at + 1);
                }
            }
        }
        let start = at;
        while bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'*') {
            at += 1;
        }
        if at > start {
            prefix.push(text[start..at].to_owned());
        }
        if text[at..].starts_with("::") && at > start {
            at += 2;
        } else {
            return (vec![prefix], at);
        }
    }
}

/// The module a path names: its longest prefix that is a module, or the module a root
/// re-export (`crate::Stream`) comes from.
fn target(path: &[String], modules: &BTreeMap<String, String>, reexports: &BTreeMap<String, String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|candidate| modules.contains_key(candidate))
        .or_else(|| reexports.get(path.first()?).cloned())
}

/// Names re-exported at the root (`pub use stream::Stream;`) and their modules.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for (at, _) in lib.match_indices("pub use ") {
        for path in use_tree(&lib[at + 8..]).0 {
            if let (Some(module), Some(name)) = (path.first(), path.last()) {
                names.insert(name.clone(), module.clone());
            }
        }
    }
    names
}

/// Module → the modules its code names, from `crate::` and `super::` paths.
fn graph() -> Graph {
    graph_of(&modules())
}

/// [`graph`] for the given files' code (module path → code; `` for lib.rs).
fn graph_of(modules: &BTreeMap<String, String>) -> Graph {
    let reexports = reexports(&modules[""]);
    let mut graph = Graph::new();
    for (module, code) in modules {
        let edges = graph.entry(module.clone()).or_default();
        for anchor in ["crate::", "super::"] {
            for (at, _) in code.match_indices(anchor) {
                if code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                for mut path in use_tree(&code[at + anchor.len()..]).0 {
                    if anchor == "super::" {
                        let mut base: Vec<String> = module.split("::").map(str::to_owned).collect();
                        base.pop();
                        while path.first().is_some_and(|first| first == "super") {
                            path.remove(0);
                            base.pop();
                        }
                        base.append(&mut path);
                        path = base;
                    }
                    if path == ["*"] {
                        // A glob of the crate root brings every module into scope.
                        edges.extend(modules.keys().filter(|to| !to.is_empty() && !to.contains("::")).cloned());
                    } else if let Some(to) = target(&path, modules, &reexports) {
                        edges.insert(to);
                    }
                }
            }
        }
        edges.remove(module);
        edges.remove("");
    }
    graph.remove("");
    graph
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// The module map of `src/lib.rs`: its `//! - `name`: ...` lines, top to bottom.
fn documented_order() -> Vec<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|line| line.strip_prefix("//! - `"))
        .filter_map(|rest| rest.split_once('`').map(|(name, _)| name.to_owned()))
        .collect()
}

/// The imports that do not point down `order`.
fn upward(graph: &Graph, order: &[String]) -> Vec<String> {
    let rank = |module: &str| order.iter().position(|name| name == top(module));
    let mut upward = Vec::new();
    for (module, edges) in graph {
        for to in edges.iter().filter(|to| top(to) != top(module)) {
            if rank(to) <= rank(module) {
                upward.push(format!("{module} -> {to}"));
            }
        }
    }
    upward
}

/// The modules on or above an import circle (Kahn's algorithm: what cannot be peeled off, leaf
/// first).
fn circled(graph: &Graph) -> Vec<String> {
    let mut left = graph.clone();
    while let Some(leaf) =
        left.iter().find(|(_, edges)| edges.iter().all(|to| !left.contains_key(to))).map(|(m, _)| m.clone())
    {
        left.remove(&leaf);
    }
    left.into_keys().collect()
}

#[test]
fn imports_point_down_the_module_map() {
    let graph = graph();
    let order = documented_order();
    for (module, edges) in &graph {
        println!("{module} -> {}", edges.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    let declared: BTreeSet<&str> = graph.keys().map(|module| top(module)).collect();
    let listed: BTreeSet<&str> = order.iter().map(String::as_str).collect();
    assert_eq!(declared, listed, "src/lib.rs's module map must list every module once");
    assert_eq!(order.len(), listed.len(), "src/lib.rs's module map lists a module twice");
    let upward = upward(&graph, &order);
    assert!(upward.is_empty(), "imports against the module map of src/lib.rs: {upward:?}");
}

#[test]
fn no_file_imports_in_a_circle() {
    let circled = circled(&graph());
    assert!(circled.is_empty(), "modules on or above an import circle: {circled:?}");
}

/// The parser finds grouped, nested and re-exported imports, and both checks fail on a made-up
/// upward import that closes a circle.
#[test]
fn the_checks_see_what_they_must() {
    let (paths, _) = use_tree("{convert::{Cell, Record}, envelope::Action, Stream};");
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["convert::Cell", "convert::Record", "envelope::Action", "Stream"]);
    let mut graph = graph();
    assert!(graph["transform"].contains("convert"), "{graph:?}");
    assert!(graph["envelope"].contains("stream"), "crate::Stream resolves through the re-export: {graph:?}");
    assert!(graph["convert::weight"].contains("scalar"), "{graph:?}");
    assert!(graph["parse"].contains("reason"), "code after an out-of-line `mod tests;` counts: {graph:?}");
    graph.get_mut("layout").unwrap().insert("envelope".to_owned());
    assert_eq!(upward(&graph, &documented_order()), ["layout -> envelope"]);
    assert!(circled(&graph).contains(&"layout".to_owned()));
}

/// Each import form the code may use, in made-up files, gives its edge, so that an upward one
/// fails the check: a glob of the crate root, a path in an expression or a macro, a root
/// re-export, code after an inline test module, and `super::super::`.
#[test]
fn every_import_form_is_read() {
    let files = |low: (&str, &str)| -> BTreeMap<String, String> {
        let lib = "pub use reason::Reason;\nmod high;\nmod low;\nmod reason;\n";
        [("", lib), ("high", ""), ("low", ""), ("low::inner", ""), ("reason", ""), low]
            .iter()
            .map(|(module, code)| (module.to_string(), without_tests_and_comments(code)))
            .collect()
    };
    let order = ["high".to_owned(), "low".to_owned(), "reason".to_owned()];
    let upward_imports = [
        ("low", "use crate::*;\nfn f() { high::g() }"),
        ("low", "use super::*;"),
        ("low", "fn f() -> usize { crate::high::N + 1 }"),
        ("low", "macro_rules! m { () => { $crate::high::g() }; }"),
        ("low", "#[cfg(test)]\nmod tests {\n    use super::*;\n}\n\nuse crate::high::G;"),
        ("low::inner", "use super::super::high::G;"),
    ];
    for (module, code) in upward_imports {
        let graph = graph_of(&files((module, code)));
        assert_eq!(upward(&graph, &order), [format!("{module} -> high")], "{code:?}: {graph:?}");
    }
    let graph = graph_of(&files(("low", "fn f() -> crate::Reason { todo!() }")));
    assert!(graph["low"].contains("reason"), "{graph:?}");
    // Test code is not counted: a test module may reach anywhere.
    let graph = graph_of(&files(("low", "#[cfg(test)]\nmod tests {\n    use crate::high;\n}\n")));
    assert!(graph["low"].is_empty(), "{graph:?}");
}
