//! Why a record failed: a stable machine code and the field it concerns.
//!
//! Operators alert on these codes (`missing:CUST_NO`, `too-long:NAME`, `total-mismatch`), so
//! they never change once released; `reason_codes_are_stable` pins every one. A reason names a
//! field, never a value: the values are customer data and must stay out of the logs.

use std::fmt;

/// The field a reason concerns: a System One field name (`CUST_NO`) for payload fields, or the
/// envelope member (`occurredAt`, `eventType`) for envelope checks.
pub type FieldName = &'static str;

/// Every way a record can fail, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// The Firehose `data` is not standard, padded base64.
    #[error("record data is not standard base64")]
    Base64,
    /// The record's bytes are not valid UTF-8 (or start with a byte order mark).
    #[error("record bytes are not valid UTF-8 without a byte order mark")]
    Utf8,
    /// The bytes are not strict RFC 8259 JSON.
    #[error("record is not strict JSON")]
    Json,
    /// The top-level JSON value is not an object.
    #[error("the document is not a JSON object")]
    NotObject,
    /// An object holds the same member name twice (compared after unescaping).
    #[error("an object holds the same member name twice")]
    DuplicateName,
    /// A `\u` escape is an unpaired surrogate.
    #[error("a string holds an unpaired surrogate escape")]
    LoneSurrogate,
    /// Arrays and objects nest deeper than 64 levels.
    #[error("arrays and objects nest deeper than 64 levels")]
    TooDeep,
    /// `schemaVersion` / `schema_version` is not the number 2 / 1, or both are present.
    #[error("unsupported schema version")]
    SchemaVersion,
    /// `eventType` is missing, not a string, or not `<entity>.<action>` with known parts.
    #[error("eventType is missing or unknown")]
    EventType,
    /// The event belongs to another stream (a routing fault).
    #[error("the event belongs to another stream")]
    WrongStream,
    /// A required field is absent (missing, null, "" or empty after cleaning).
    #[error("required field {0} is absent")]
    Missing(FieldName),
    /// The JSON type is not one the field accepts.
    #[error("field {0} has the wrong JSON type")]
    Type(FieldName),
    /// The text does not have the form the field's type needs (a date, a number, a timestamp).
    #[error("field {0} is not in the required format")]
    Format(FieldName),
    /// The cleaned text is longer than the field's width.
    #[error("field {0} is longer than its width")]
    TooLong(FieldName),
    /// A CODE holds characters outside `[A-Z0-9._/-]`, or is not the letters it must be.
    #[error("field {0} holds characters its code type does not allow")]
    Charset(FieldName),
    /// A decimal needs more fraction digits than the field has, or an INT has a fraction.
    #[error("field {0} is not exactly representable at its precision")]
    Precision(FieldName),
    /// The value is outside the field's range (digits, year, 64-bit, a minimum).
    #[error("field {0} is out of range")]
    Range(FieldName),
    /// An ENUM value, or a weight unit, that the table does not list.
    #[error("field {0} has a value its table does not list")]
    UnknownValue(FieldName),
    /// `TOTAL` is not exactly `SUBTOTAL + TAX + FREIGHT`.
    #[error("TOTAL is not SUBTOTAL + TAX + FREIGHT")]
    TotalMismatch,
    /// A date comes before the date it may not precede (`DUE_DATE` before `INVOICE_DATE`).
    #[error("field {0} is before the date it may not precede")]
    DateOrder(FieldName),
    /// The payload does not match the stream's JSON Schema at this field.
    #[error("field {0} does not match the JSON Schema")]
    Schema(FieldName),
    /// The record transformed, but its output did not fit Lambda's 6 MB response; it goes to
    /// Firehose's error output with its original data, to be replayed.
    #[error("the output did not fit the Lambda response size limit")]
    ResponseSizeLimit,
}

impl Reason {
    /// Every code [`Reason::code`] gives, in the order of the variants: the one list tests and
    /// documentation checks read (`every_code_is_listed_once`, `docs_list_every_code`).
    pub const CODES: &'static [&'static str] = &[
        "bad-base64",
        "bad-utf8",
        "bad-json",
        "not-object",
        "duplicate-name",
        "lone-surrogate",
        "too-deep",
        "schema-version",
        "event-type",
        "wrong-stream",
        "missing",
        "type",
        "format",
        "too-long",
        "charset",
        "precision",
        "range",
        "unknown-value",
        "total-mismatch",
        "date-order",
        "schema",
        "response-size-limit",
    ];

    /// The stable machine code, without the field: what metrics and alarms group by.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Base64 => "bad-base64",
            Reason::Utf8 => "bad-utf8",
            Reason::Json => "bad-json",
            Reason::NotObject => "not-object",
            Reason::DuplicateName => "duplicate-name",
            Reason::LoneSurrogate => "lone-surrogate",
            Reason::TooDeep => "too-deep",
            Reason::SchemaVersion => "schema-version",
            Reason::EventType => "event-type",
            Reason::WrongStream => "wrong-stream",
            Reason::Missing(_) => "missing",
            Reason::Type(_) => "type",
            Reason::Format(_) => "format",
            Reason::TooLong(_) => "too-long",
            Reason::Charset(_) => "charset",
            Reason::Precision(_) => "precision",
            Reason::Range(_) => "range",
            Reason::UnknownValue(_) => "unknown-value",
            Reason::TotalMismatch => "total-mismatch",
            Reason::DateOrder(_) => "date-order",
            Reason::Schema(_) => "schema",
            Reason::ResponseSizeLimit => "response-size-limit",
        }
    }

    /// The field the reason concerns, where there is one.
    pub fn field(&self) -> Option<FieldName> {
        match self {
            Reason::SchemaVersion => Some("schemaVersion"),
            Reason::EventType | Reason::WrongStream => Some("eventType"),
            Reason::TotalMismatch => Some("TOTAL"),
            Reason::Missing(f)
            | Reason::Type(f)
            | Reason::Format(f)
            | Reason::TooLong(f)
            | Reason::Charset(f)
            | Reason::Precision(f)
            | Reason::Range(f)
            | Reason::UnknownValue(f)
            | Reason::DateOrder(f)
            | Reason::Schema(f) => Some(f),
            _ => None,
        }
    }

    /// The full machine reason: `code:FIELD` for field reasons, the bare code otherwise.
    pub fn tag(&self) -> ReasonTag {
        ReasonTag(*self)
    }
}

/// Displays a reason as its machine tag (`missing:CUST_NO`), for logs and error output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonTag(Reason);

impl fmt::Display for ReasonTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Reason::Missing(field)
            | Reason::Type(field)
            | Reason::Format(field)
            | Reason::TooLong(field)
            | Reason::Charset(field)
            | Reason::Precision(field)
            | Reason::Range(field)
            | Reason::UnknownValue(field)
            | Reason::DateOrder(field)
            | Reason::Schema(field) => write!(f, "{}:{field}", self.0.code()),
            other => f.write_str(other.code()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_stable() {
        let pinned = [
            (Reason::Base64, "bad-base64"),
            (Reason::Utf8, "bad-utf8"),
            (Reason::Json, "bad-json"),
            (Reason::NotObject, "not-object"),
            (Reason::DuplicateName, "duplicate-name"),
            (Reason::LoneSurrogate, "lone-surrogate"),
            (Reason::TooDeep, "too-deep"),
            (Reason::SchemaVersion, "schema-version"),
            (Reason::EventType, "event-type"),
            (Reason::WrongStream, "wrong-stream"),
            (Reason::Missing("CUST_NO"), "missing:CUST_NO"),
            (Reason::Type("PHONE"), "type:PHONE"),
            (Reason::Format("ORDER_DATE"), "format:ORDER_DATE"),
            (Reason::TooLong("NAME"), "too-long:NAME"),
            (Reason::Charset("TERMS"), "charset:TERMS"),
            (Reason::Precision("UNIT_PRICE"), "precision:UNIT_PRICE"),
            (Reason::Range("LINE_NO"), "range:LINE_NO"),
            (Reason::UnknownValue("STATUS"), "unknown-value:STATUS"),
            (Reason::TotalMismatch, "total-mismatch"),
            (Reason::DateOrder("DUE_DATE"), "date-order:DUE_DATE"),
            (Reason::Schema("data"), "schema:data"),
            (Reason::ResponseSizeLimit, "response-size-limit"),
        ];
        for (reason, tag) in pinned {
            assert_eq!(reason.tag().to_string(), tag);
            assert!(tag.starts_with(reason.code()));
        }
        // One reason of each variant, in order: `CODES` lists exactly their codes.
        let codes: Vec<&str> = pinned.iter().map(|(reason, _)| reason.code()).collect();
        assert_eq!(codes, Reason::CODES);
    }

    /// The reason tables of the README and the operations guide list every code, once. The
    /// table is the one whose first row is `bad-base64` (other tables, such as the reconcile's
    /// findings, may name a word that is also a code).
    #[test]
    fn docs_list_every_code() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for doc in ["README.md", "docs/operations.md"] {
            let text = std::fs::read_to_string(root.join(doc)).unwrap();
            let listed: Vec<&str> = text
                .lines()
                .skip_while(|line| !line.starts_with("| `bad-base64`"))
                .take_while(|line| line.starts_with('|'))
                .filter_map(|line| line.strip_prefix("| `"))
                .filter_map(|rest| rest.split('`').next())
                .map(|code| code.split(':').next().unwrap_or(code))
                .filter(|code| Reason::CODES.contains(code))
                .collect();
            assert_eq!(listed, Reason::CODES, "{doc}: the reason table, in code order");
        }
    }

    #[test]
    fn envelope_reasons_name_their_member() {
        assert_eq!(Reason::WrongStream.field(), Some("eventType"));
        assert_eq!(Reason::SchemaVersion.field(), Some("schemaVersion"));
        assert_eq!(Reason::Json.field(), None);
    }
}
