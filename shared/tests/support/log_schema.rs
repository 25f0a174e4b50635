//! The log schema (fixtures/logs/schema.json): what each log line may and must hold.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

pub(crate) fn load() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/logs/schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fields(group: &Value) -> impl Iterator<Item = (&String, &Value)> {
    group.as_object().into_iter().flat_map(Map::iter)
}

/// Every field name any line may hold.
pub(crate) fn all_fields(schema: &Value) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    names.extend(fields(&schema["every line"]).map(|(name, _)| name.clone()));
    names.extend(fields(&schema["invocation"]).map(|(name, _)| name.clone()));
    for group in ["lines", "outside an invocation"] {
        for (_, line) in fields(&schema[group]) {
            names.extend(fields(line).map(|(name, _)| name.clone()));
        }
    }
    names
}

/// Every message a line may have.
pub(crate) fn messages(schema: &Value) -> BTreeSet<String> {
    ["lines", "outside an invocation"]
        .iter()
        .flat_map(|group| fields(&schema[*group]).map(|(m, _)| m.clone()))
        .collect()
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "object" => value.is_object(),
        other => panic!("unknown type {other} in the log schema"),
    }
}

/// Checks one captured line: a known message, only the fields its schema lists, each of its
/// type, and every field that is not optional present.
pub(crate) fn check_line(schema: &Value, line: &Value, in_invocation: bool) {
    let message = line["message"].as_str().unwrap_or_else(|| panic!("no message: {line}"));
    let group = if in_invocation { "lines" } else { "outside an invocation" };
    let own = &schema[group][message];
    assert!(own.is_object(), "message {message:?} is not in the schema's {group:?}: {line}");
    let mut allowed: Vec<(&String, &Value)> = fields(&schema["every line"]).chain(fields(own)).collect();
    if in_invocation {
        allowed.extend(fields(&schema["invocation"]));
    }
    for name in line.as_object().unwrap().keys() {
        assert!(
            allowed.iter().any(|(known, _)| *known == name),
            "{name:?} is not in the schema of {message:?}: {line}"
        );
    }
    for (name, kind) in allowed {
        let kind = kind.as_str().unwrap();
        let (kind, optional) = kind.strip_suffix('?').map_or((kind, false), |kind| (kind, true));
        match line.get(name) {
            Some(value) => assert!(has_type(value, kind), "{name:?} is not a {kind}: {line}"),
            None => assert!(optional, "{name:?} is missing: {line}"),
        }
    }
}
