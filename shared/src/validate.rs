//! Step 4: the payload against the stream's JSON Schema (draft 2020-12). It rejects wrong JSON
//! types and string forms before any value is converted.
//!
//! Each connector version's validator is compiled the first time a record of that version needs
//! it, not at start-up: compiling (the draft 2020-12 meta-schema check of our schema, then its
//! regular expressions) was nine tenths of what a function did before its first poll for an
//! event. The schemas are fixed at build time and `every_schema_compiles` proves each compiles,
//! so the first use pays about a millisecond once, and start-up no longer does.

#[cfg(test)]
mod differential;
mod fits;

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::Validator;
use serde_json::Value;

use crate::envelope::Envelope;
use crate::json::Object;
use crate::layout::{Kind, Layout, Version};
use crate::log;
use crate::reason::{FieldName, Reason};
use crate::Stream;

/// A stream's two payload validators, one per connector version, each compiled on first use.
pub(crate) struct Schemas {
    stream: Stream,
    layout: &'static Layout,
    v1: OnceLock<Result<Validator, SchemaError>>,
    v2: OnceLock<Result<Validator, SchemaError>>,
}

/// A schema file that does not compile: a build defect (`every_schema_compiles` keeps it out).
#[derive(Debug, Clone, thiserror::Error)]
#[error("the JSON Schema for {entity} v{version} does not compile: {message}")]
pub(crate) struct SchemaError {
    entity: &'static str,
    version: u8,
    message: String,
}

impl Schemas {
    /// The stream's validators, each compiled when a record first needs it.
    pub(crate) fn new(stream: Stream) -> Schemas {
        Schemas { stream, layout: stream.layout(), v1: OnceLock::new(), v2: OnceLock::new() }
    }

    /// The stream's validators, both compiled now.
    #[cfg(test)]
    fn compile(stream: Stream) -> Result<Schemas, SchemaError> {
        let schemas = Schemas::new(stream);
        for version in [Version::V1, Version::V2] {
            schemas.validator(version).map_err(Clone::clone)?;
        }
        Ok(schemas)
    }

    fn validator(&self, version: Version) -> Result<&Validator, &SchemaError> {
        let (cell, number) = match version {
            Version::V1 => (&self.v1, 1),
            Version::V2 => (&self.v2, 2),
        };
        cell.get_or_init(|| {
            let fail = |message: String| SchemaError { entity: self.layout.entity, version: number, message };
            let schema: Value =
                serde_json::from_str(self.layout.schema_text(version)).map_err(|e| fail(e.to_string()))?;
            let compiled = jsonschema::draft202012::new(&schema).map_err(|e| fail(e.to_string()));
            if let Err(error) = &compiled {
                log::SchemaDoesNotCompile { stream: self.stream, error }.emit();
            }
            compiled
        })
        .as_ref()
    }

    /// Validates a `created` / `updated` payload; the first error names its field.
    pub(crate) fn check(&self, envelope: &Envelope<'_>) -> Result<(), Reason> {
        self.check_payload(envelope.version, envelope.fields)
    }

    /// [`Schemas::check`] of a payload: the layout-derived checks pass most payloads without a
    /// `serde_json::Value`; the rest are decided by the compiled schema.
    fn check_payload(&self, version: Version, fields: &Object<'_>) -> Result<(), Reason> {
        // Unreachable in a released build (see `every_schema_compiles`); should a schema not
        // compile, every record it would check fails visibly, with its data, and is logged.
        let Ok(validator) = self.validator(version) else {
            return Err(Reason::Schema("data"));
        };
        if fits::payload(self.layout, version, fields) {
            return Ok(());
        }
        self.by_schema(validator, version, &Value::Object(fields.to_map()))
    }

    /// The compiled schema's verdict on a payload, its first error as a reason.
    fn by_schema(&self, validator: &Validator, version: Version, payload: &Value) -> Result<(), Reason> {
        // `is_valid` builds no error and stops at the first failure.
        if validator.is_valid(payload) {
            return Ok(());
        }
        let Some(error) = validator.iter_errors(payload).next() else {
            return Ok(());
        };
        let (field, kind) = self.field_at(error.instance_path().as_str(), version);
        Err(match error.kind() {
            ValidationErrorKind::Type { .. } => Reason::Type(field),
            // A FLAG's only string is "" (absent): any other string is a type error (spec, FLAG).
            ValidationErrorKind::Pattern { .. } if matches!(kind, Some(Kind::Flag)) => Reason::Type(field),
            ValidationErrorKind::Pattern { .. } => Reason::Format(field),
            _ => Reason::Schema(field),
        })
    }

    /// The System One field at a JSON pointer into the payload (`/totals/tax` → `TAX`), or the
    /// v2 group it lies in (`/contact` → `contact`).
    fn field_at(&self, pointer: &str, version: Version) -> (FieldName, Option<Kind>) {
        let pointer: Vec<&str> = pointer.split('/').filter(|segment| !segment.is_empty()).collect();
        for field in self.layout.fields {
            let Some(path) = field.source.path(version) else { continue };
            let path: Vec<&'static str> = path.split('.').collect();
            if pointer.starts_with(&path) {
                return (field.name, Some(field.kind));
            }
            if !pointer.is_empty() && path.starts_with(&pointer) {
                return (path.get(pointer.len() - 1).copied().unwrap_or("data"), None);
            }
        }
        ("data", None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    /// The checked-in schema files are exactly what `schema` generates from the layouts; after a
    /// layout change, `UPDATE_EXPECT=1 cargo test -p system-one-shim schema_files` rewrites them.
    #[test]
    fn schema_files_match_layouts() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for stream in Stream::ALL {
            let layout = stream.layout();
            for version in [Version::V1, Version::V2] {
                let generated = serde_json::to_string_pretty(&schema::for_layout(layout, version)).unwrap() + "\n";
                expect_test::expect_file![root.join(layout.schema_file(version))].assert_eq(&generated);
            }
        }
    }

    #[test]
    fn every_schema_compiles() {
        for stream in Stream::ALL {
            assert!(Schemas::compile(stream).is_ok(), "{stream}");
        }
    }
}
