//! The JSON value a record's document is parsed into: borrowed from the document's text.
//!
//! The engine used to parse into `serde_json::Value` because `jsonschema` validates that type;
//! building and freeing those trees (an owned `String` per name and string, a `BTreeMap` node
//! per object) was over a third of a function's instructions. A [`Json`] borrows every name,
//! string (unless it holds an escape) and number text from the document, and an object is a
//! short list in document order. The JSON Schema stage converts to `serde_json::Value`
//! ([`Json::to_value`]) only for the payloads its layout-derived checks cannot pass (see
//! `validate`).

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

/// A JSON value whose text lives in the parsed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    /// The number's exact text, as the document wrote it (already checked against RFC 8259).
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// An object's members in document order; names are unique (the parser refuses a name given
/// twice). Looked up by a linear scan: the objects a stream reads have a few dozen members at
/// most, and a scan compares lengths before bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Object<'a> {
    members: Vec<(Cow<'a, str>, Json<'a>)>,
}

impl<'a> Object<'a> {
    /// The member named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.members.iter().find(|(member, _)| member == name).map(|(_, value)| value)
    }

    /// Adds a member; `false` (and nothing added) when the name is already there.
    pub(crate) fn insert(&mut self, name: Cow<'a, str>, value: Json<'a>) -> bool {
        if self.get(&name).is_some() {
            return false;
        }
        self.members.push((name, value));
        true
    }

    /// The members, in document order.
    pub(crate) fn into_members(self) -> Vec<(Cow<'a, str>, Json<'a>)> {
        self.members
    }

    /// The members as a `serde_json` map, for the JSON Schema validator and for tests.
    pub(crate) fn to_map(&self) -> Map<String, Value> {
        self.members.iter().map(|(name, value)| (name.to_string(), value.to_value())).collect()
    }
}

impl<'a> Json<'a> {
    /// The string's text, if the value is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    /// The same value as `serde_json` builds it (numbers keep their text: the workspace enables
    /// `arbitrary_precision`).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(flag) => Value::Bool(*flag),
            // The parser checked the number's syntax; serde_json accepts every RFC 8259 number
            // under `arbitrary_precision` (the parser's differential test holds the two equal).
            Json::Number(text) => text.parse::<Number>().map_or(Value::Null, Value::Number),
            Json::String(text) => Value::String(text.to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(object) => Value::Object(object.to_map()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_refuses_a_second_member_of_a_name_and_keeps_order() {
        let mut object = Object::default();
        assert!(object.insert("b".into(), Json::Number("1")));
        assert!(object.insert("a".into(), Json::Null));
        assert!(!object.insert("b".into(), Json::Bool(true)));
        assert_eq!(object.get("b"), Some(&Json::Number("1")));
        let keys: Vec<&str> = object.members.iter().map(|(name, _)| name.as_ref()).collect();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn converts_to_serde_json_values_exactly() {
        let mut inner = Object::default();
        inner.insert("n".into(), Json::Number("1.50e3"));
        let value = Json::Array(vec![Json::Object(inner), Json::String("x\n".into()), Json::Bool(false)]);
        // serde_json writes the exponent with its sign, as it did when the parser built `Value`s.
        assert_eq!(value.to_value().to_string(), r#"[{"n":1.50e+3},"x\n",false]"#);
    }
}
