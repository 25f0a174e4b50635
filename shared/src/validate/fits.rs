//! The layout-derived form of the JSON Schema: whether a payload certainly passes it, decided
//! from the parsed document without building a `serde_json::Value`.
//!
//! The generated schema (`schema::for_layout`) is a conjunction over the layout's fields: each
//! group on a field's path is an object or `null`, and each field's value has one of its kind's
//! JSON types and, if a string, the form of its kind's `pattern`. [`payload`] checks exactly
//! those, written as code. It answers `true` only where the schema surely passes; on `false`
//! the compiled schema runs and decides, and names the reason. So it may be stricter than the
//! schema (a `false` costs only time), never looser: the schema differential test
//! (`validate/differential.rs`) holds the two to the same outcome and reason on generated and
//! mutated payloads of every stream and both versions.

use crate::json::{Json, Object};
use crate::layout::{Kind, Layout, Version};

/// `true` when the payload certainly satisfies the stream's schema for `version`.
pub(crate) fn payload(layout: &Layout, version: Version, fields: &Object<'_>) -> bool {
    layout.fields.iter().all(|field| match field.source.path(version) {
        None => true,
        Some(path) => at_path(fields, path, field.kind.for_version(version)),
    })
}

/// The value at a dotted path fits `kind`, or a group on the way is absent or `null` (the
/// schema's `properties` then do not apply).
fn at_path(fields: &Object<'_>, path: &str, kind: Kind) -> bool {
    let (groups, member) = match path.rsplit_once('.') {
        Some((groups, member)) => (Some(groups), member),
        None => (None, path),
    };
    let mut current = fields;
    for group in groups.into_iter().flat_map(|groups| groups.split('.')) {
        match current.get(group) {
            None | Some(Json::Null) => return true,
            Some(Json::Object(inner)) => current = inner,
            Some(_) => return false,
        }
    }
    current.get(member).is_none_or(|value| fits(kind, value))
}

/// One value against its kind's schema (`schema::kind_schema`).
fn fits(kind: Kind, value: &Json<'_>) -> bool {
    match (kind, value) {
        (_, Json::Null) => true,
        (Kind::Text { .. } | Kind::Code { .. } | Kind::Letters(_) | Kind::Enum(_), Json::String(_)) => true,
        (Kind::Int | Kind::Dec(_) | Kind::Timestamp | Kind::Flag, Json::Number(_)) => true,
        (Kind::Int, Json::String(text)) => text.is_empty() || integer(text.as_bytes()),
        (Kind::Dec(_), Json::String(text)) => decimal(text),
        (Kind::Date, Json::String(text)) => text.is_empty() || date(text.as_bytes()),
        (Kind::Timestamp, Json::String(_)) => true,
        (Kind::Flag, Json::Bool(_)) => true,
        (Kind::Flag, Json::String(text)) => text.is_empty(),
        (Kind::WeightLb, Json::Object(weight)) => match weight.get("value") {
            None | Some(Json::Null | Json::Number(_)) => true,
            Some(Json::String(text)) => decimal(text),
            Some(_) => false,
        },
        _ => false,
    }
}

/// `^(-?[0-9]+(\.[0-9]+)?)?$`
fn decimal(text: &str) -> bool {
    match text.split_once('.') {
        _ if text.is_empty() => true,
        None => integer(text.as_bytes()),
        Some((whole, fraction)) => integer(whole.as_bytes()) && digits(fraction.as_bytes()),
    }
}

/// `-?[0-9]+`
fn integer(text: &[u8]) -> bool {
    digits(text.strip_prefix(b"-").unwrap_or(text))
}

/// `[0-9]+`
fn digits(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(u8::is_ascii_digit)
}

/// `[0-9]{4}-[0-9]{2}-[0-9]{2}`
fn date(text: &[u8]) -> bool {
    let shape = b"dddd-dd-dd";
    text.len() == shape.len()
        && text.iter().zip(shape).all(|(&byte, &want)| if want == b'd' { byte.is_ascii_digit() } else { byte == want })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_forms_follow_the_patterns() {
        for (text, int, dec) in
            [("", true, true), ("12", true, true), ("-0", true, true), ("1.5", false, true), ("-", false, false)]
        {
            assert_eq!(fits(Kind::Int, &Json::String(text.into())), int, "{text:?}");
            assert_eq!(fits(Kind::Dec(2), &Json::String(text.into())), dec, "{text:?}");
        }
        for text in ["1.", ".5", "1e3", "+1", "1 ", "١٢", "12\n"] {
            assert!(!fits(Kind::Dec(2), &Json::String(text.into())), "{text:?}");
        }
        assert!(fits(Kind::Date, &Json::String("2026-13-99".into())));
        assert!(!fits(Kind::Date, &Json::String("2026-1-09".into())));
        assert!(fits(Kind::Flag, &Json::String("".into())));
        assert!(!fits(Kind::Flag, &Json::String("Y".into())));
        assert!(!fits(Kind::Text { width: 3, truncate: false }, &Json::Number("1")));
    }
}
