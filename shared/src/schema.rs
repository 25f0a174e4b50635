//! The JSON Schemas of System Two payloads, generated from the layouts.
//!
//! `schemas/<entity>.v<N>.json` are checked in for System Two's developers to read and for the
//! functions to compile; `schema_files_match_layouts` keeps them equal to what this module
//! generates (after a layout change, `UPDATE_EXPECT=1 cargo test -p system-one-shim schema_files`
//! rewrites them; expect-test, the one update switch of every golden file).
//! They check JSON types and string forms, per field; the converter then checks values
//! (widths, cleaning, exactness, calendars), which JSON Schema cannot express.

use serde_json::{json, Map, Value};

use crate::layout::{Field, Kind, Layout, Rule, Version};

/// The schema of a `created` / `updated` payload (`data` for v2, `payload` for v1).
pub(crate) fn for_layout(layout: &Layout, version: Version) -> Value {
    let mut properties = Map::new();
    for field in layout.fields {
        let Some(path) = field.source.path(version) else { continue };
        insert(&mut properties, path, field_schema(field, version));
    }
    let (generation, member) = match version {
        Version::V1 => (1, "payload"),
        Version::V2 => (2, "data"),
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("System Two {} payload, connector v{generation} (`{member}`)", layout.entity),
        "description": format!(
            "The `{member}` object of `{entity}.created` and `{entity}.updated` events, written to System One {record} \
             records. Generated from the {record} layout; unknown members are allowed. `null` and \"\" mean absent.",
            entity = layout.entity,
            record = layout.record_type,
        ),
        "type": "object",
        "properties": Value::Object(properties),
    })
}

/// Places a field's schema at its dotted path, creating `object`-or-`null` groups on the way.
fn insert(properties: &mut Map<String, Value>, path: &str, schema: Value) {
    match path.split_once('.') {
        None => {
            properties.insert(path.to_owned(), schema);
        }
        Some((group, rest)) => {
            let entry = properties
                .entry(group.to_owned())
                .or_insert_with(|| json!({"type": ["object", "null"], "properties": {}}));
            if let Some(Value::Object(inner)) = entry.get_mut("properties") {
                insert(inner, rest, schema);
            }
        }
    }
}

fn field_schema(field: &Field, version: Version) -> Value {
    let rule = match field.rule {
        Rule::Key => "key",
        Rule::Required => "required for created and updated",
        Rule::Optional => "optional",
    };
    let mut schema = kind_schema(field.kind.for_version(version));
    if let Value::Object(map) = &mut schema {
        map.insert("description".into(), json!(format!("{}: {} ({rule})", field.name, kind_name(field.kind))));
    }
    schema
}

/// `pattern` applies to strings only, and every pattern admits `""` (absent).
fn kind_schema(kind: Kind) -> Value {
    const INT: &str = "^(-?[0-9]+)?$";
    const DEC: &str = "^(-?[0-9]+(\\.[0-9]+)?)?$";
    match kind {
        Kind::Text { .. } | Kind::Code { .. } | Kind::Letters(_) => json!({"type": ["string", "null"]}),
        Kind::Enum(table) => {
            json!({"type": ["string", "null"], "examples": table.iter().map(|(name, _)| *name).collect::<Vec<_>>()})
        }
        Kind::Int => json!({"type": ["number", "string", "null"], "pattern": INT}),
        Kind::Dec(_) => json!({"type": ["number", "string", "null"], "pattern": DEC}),
        Kind::Date => json!({"type": ["string", "null"], "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"}),
        Kind::Timestamp => json!({"type": ["string", "number", "null"]}),
        Kind::Flag => json!({"type": ["boolean", "number", "string", "null"], "pattern": "^$"}),
        Kind::WeightLb => json!({
            "type": ["object", "null"],
            "properties": {
                "value": {"type": ["number", "string", "null"], "pattern": DEC},
                "unit": {"description": "`lb` or `kg` when `value` is present; not read otherwise"}
            }
        }),
    }
}

fn kind_name(kind: Kind) -> String {
    match kind {
        Kind::Text { width, truncate: false } => format!("TEXT({width})"),
        Kind::Text { width, truncate: true } => format!("TEXT({width}) T"),
        Kind::Code { width } => format!("CODE({width})"),
        Kind::Letters(count) => format!("CODE({count}), exactly {count} letters"),
        Kind::Int => "INT".into(),
        Kind::Dec(places) => format!("DEC({places})"),
        Kind::Date => "DATE".into(),
        Kind::Timestamp => "TIMESTAMP".into(),
        Kind::Flag => "FLAG".into(),
        Kind::Enum(_) => "ENUM".into(),
        Kind::WeightLb => "DEC(2) pounds, from {value, unit}".into(),
    }
}
