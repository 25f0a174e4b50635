//! System One record layouts as data: one [`Layout`] per record type, one [`Field`] per column.
//!
//! The nine streams differ only by these tables (see `tables.rs`); the converter, the JSON
//! Schemas and the tests all walk them. Each table is a transcription of the "Record layouts"
//! section of `system-one-records.md`.

mod tables;

pub(crate) use tables::{CUS, EST, ILN, INV, OLN, ORD, SAD, SHP, VRQ};

/// A System One record type: its columns after the record type and the action, and the
/// business rules that tie columns together; and the stream that writes it, the one list of
/// streams ([`crate::Stream`] indexes into it).
#[derive(Debug)]
pub struct Layout {
    /// Field 1 of every line (`CUS`, `ORD`, ...).
    pub record_type: &'static str,
    /// The stream's name (`order-lines`): its API path, Kinesis stream, delivery stream, function
    /// crate and binary, S3 prefix and metric dimension.
    pub stream: &'static str,
    /// The System Two entity (`customer`, `order_line`, ...) this record is made from.
    pub entity: &'static str,
    /// The checked-in JSON Schemas of the entity's payload, `schemas/<entity>.v1.json` and
    /// `.v2.json` (generated from this layout: see `schema`).
    pub(crate) schemas: SchemaTexts,
    /// Fields 3 to the end, in output order; the last is always `UPDATED_AT`.
    pub fields: &'static [Field],
    /// Rules checked (or applied) after every field has converted.
    pub(crate) checks: &'static [Check],
}

/// The text of a layout's two schema files, built into the binary.
#[derive(Debug)]
pub(crate) struct SchemaTexts {
    pub(crate) v1: &'static str,
    pub(crate) v2: &'static str,
}

impl Layout {
    /// The schema file text for a connector version.
    pub(crate) fn schema_text(&self, version: Version) -> &'static str {
        match version {
            Version::V1 => self.schemas.v1,
            Version::V2 => self.schemas.v2,
        }
    }

    /// The path of a schema file, relative to the workspace root.
    pub fn schema_file(&self, version: Version) -> String {
        let number = match version {
            Version::V1 => 1,
            Version::V2 => 2,
        };
        format!("schemas/{}.v{number}.json", self.entity)
    }

    /// The position of a field in [`Layout::fields`], by System One name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|field| field.name == name)
    }

    /// The number of `|`-separated fields on a line of this type (record type and action
    /// included).
    pub fn line_fields(&self) -> usize {
        self.fields.len() + 2
    }

    /// The payload paths of the layout's key fields (rule `Key`) in `version`, in the spec's
    /// order: what identifies an entity (a Kinesis partition key is made of their values, see
    /// [`crate::envelope::Peek::key_values`]).
    pub fn key_paths(&self, version: Version) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().filter(|field| field.rule == Rule::Key).filter_map(move |field| field.source.path(version))
    }

    /// Every payload source path the layout reads, v2 (dotted) and v1: what the parser builds.
    pub(crate) fn source_paths(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields
            .iter()
            .filter_map(|field| match field.source {
                Source::Payload { v2, v1 } => Some([v2, v1]),
                Source::Envelope => None,
            })
            .flatten()
    }
}

/// One System One column and where its value comes from.
#[derive(Debug)]
pub struct Field {
    /// The System One field name, used in reasons (`missing:CUST_NO`).
    pub name: &'static str,
    pub kind: Kind,
    pub rule: Rule,
    pub source: Source,
}

/// The System One type of a column: how an input value is checked and written.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// TEXT(width), or TEXT(width) T when `truncate` is set.
    Text { width: usize, truncate: bool },
    /// CODE(width): cleaned, upper-cased, `[A-Z0-9._/-]+`.
    Code { width: usize },
    /// A CODE that must be exactly this many letters `A-Z` (CURRENCY, COUNTRY).
    Letters(usize),
    /// INT: a signed 64-bit integer.
    Int,
    /// DEC(p): exact decimal with p fraction digits, DECIMAL(15,p).
    Dec(u32),
    /// DATE: `YYYYMMDD`, years 1900 to 2099.
    Date,
    /// TIMESTAMP: `YYYYMMDDHHMMSS` in System One's time zone.
    Timestamp,
    /// FLAG: `Y` or `N`.
    Flag,
    /// ENUM: System Two value (lower case) to System One code.
    Enum(&'static [(&'static str, &'static str)]),
    /// DEC(2) pounds; v2 sends `{"value": DEC, "unit": "lb" | "kg"}` and kilograms convert.
    WeightLb,
}

impl Kind {
    /// The kind as a connector version sends it: v1 `weight_lb` is plain DEC(2) pounds.
    pub fn for_version(self, version: Version) -> Kind {
        match (self, version) {
            (Kind::WeightLb, Version::V1) => Kind::Dec(2),
            (kind, _) => kind,
        }
    }
}

/// The connector generation, which names the envelope's members and the payload's fields (the
/// envelope reads it; the layouts' sources and kinds depend on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// snake_case names, `payload`.
    V1,
    /// camelCase names, nested groups, `data`.
    V2,
}

/// When a field must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Required for every action, and the only payload fields a `deleted` record writes.
    Key,
    /// Required for `created` and `updated`.
    Required,
    Optional,
}

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// A member of the payload: a dotted path under v2 `data`, a name under v1 `payload`.
    Payload { v2: &'static str, v1: &'static str },
    /// The envelope's `occurredAt` / `occurred_at` (`UPDATED_AT`).
    Envelope,
}

impl Source {
    /// The source path for a connector version (dotted for v2 groups); `None` for the envelope.
    pub fn path(&self, version: Version) -> Option<&'static str> {
        match (self, version) {
            (Source::Payload { v2, .. }, Version::V2) => Some(v2),
            (Source::Payload { v1, .. }, Version::V1) => Some(v1),
            (Source::Envelope, _) => None,
        }
    }
}

/// A business rule across fields (system-one-records.md, "Business rules").
#[derive(Debug)]
pub(crate) enum Check {
    /// `total = sum(parts)` exactly.
    Sum { total: &'static str, parts: &'static [&'static str] },
    /// `field`, when present, is not before `earlier`.
    NotBefore { field: &'static str, earlier: &'static str },
    /// An INT field, when present, is at least `min`; `on_delete` also checks `deleted` events.
    AtLeast { field: &'static str, min: i64, on_delete: bool },
    /// A TEXT field, when present, starts with `prefix`.
    StartsWith { field: &'static str, prefix: &'static str },
    /// When `target` is absent it is `qty × price`, rounded half away from zero.
    Product { target: &'static str, qty: &'static str, price: &'static str },
    /// When `field` is absent it is `value`.
    Default { field: &'static str, value: &'static str },
}

impl Check {
    /// Every field name the check refers to (for the layout invariant test).
    #[cfg(test)]
    fn fields(&self) -> Vec<&'static str> {
        match self {
            Check::Sum { total, parts } => std::iter::once(*total).chain(parts.iter().copied()).collect(),
            Check::NotBefore { field, earlier } => vec![field, earlier],
            Check::AtLeast { field, .. } | Check::StartsWith { field, .. } | Check::Default { field, .. } => {
                vec![field]
            }
            Check::Product { target, qty, price } => vec![target, qty, price],
        }
    }
}

#[cfg(test)]
mod tests;
