//! Step 3: the envelope (system-two-events.md, "Envelope" and "Order of checks"): the
//! connector version, the event type, the event id, `occurredAt`, and the payload object; and,
//! from the same member names, what the parser must build of a document (`interest`).

use crate::json::{Json, Object};
mod peek;

use jiff::tz::TimeZone;

use crate::layout::Version;
use crate::parse::Interest;
use crate::reason::{FieldName, Reason};
use crate::scalar::decimal::Decimal;
use crate::scalar::{self, Context};
use crate::Stream;
pub use peek::{peek, Peek};

/// The envelope member names of one version.
struct Members {
    schema_version: FieldName,
    event_type: FieldName,
    event_id: FieldName,
    occurred_at: FieldName,
    payload: FieldName,
}

const V1: Members = Members {
    schema_version: "schema_version",
    event_type: "event_type",
    event_id: "event_id",
    occurred_at: "occurred_at",
    payload: "payload",
};

const V2: Members = Members {
    schema_version: "schemaVersion",
    event_type: "eventType",
    event_id: "eventId",
    occurred_at: "occurredAt",
    payload: "data",
};

/// The envelope member names a connector version uses.
fn members(version: Version) -> &'static Members {
    match version {
        Version::V1 => &V1,
        Version::V2 => &V2,
    }
}

/// What the parser must build of a document for [`read`]: every envelope member of both
/// versions whole, and `payload` (what the stream reads of it) under each version's payload.
pub(crate) fn interest(payload: Interest) -> Interest {
    let mut built = Vec::new();
    for members in [&V2, &V1] {
        let whole = [members.schema_version, members.event_type, members.event_id, members.occurred_at];
        built.extend(whole.map(|name| (name, Interest::Everything)));
        built.push((members.payload, payload.clone()));
    }
    Interest::Members(built)
}

/// What happened to the entity; field 2 of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Created,
    Updated,
    Deleted,
}

impl Action {
    fn parse(text: &str) -> Option<Action> {
        match text {
            "created" => Some(Action::Created),
            "updated" => Some(Action::Updated),
            "deleted" => Some(Action::Deleted),
            _ => None,
        }
    }

    /// `A`, `C` or `D`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Action::Created => "A",
            Action::Updated => "C",
            Action::Deleted => "D",
        }
    }
}

/// A change event of this stream, with its envelope checked.
#[derive(Debug)]
pub(crate) struct Envelope<'d> {
    pub version: Version,
    pub action: Action,
    /// `data` (v2) or `payload` (v1), an object: for the JSON Schema stage and the converter.
    pub fields: &'d Object<'d>,
    /// `occurredAt` as System One's TIMESTAMP: the record's `UPDATED_AT`.
    pub updated_at: String,
    /// `occurredAt` in Unix seconds: when the change happened, for the event-age metric.
    pub occurred_at: i64,
}

/// What a document turned out to be.
#[derive(Debug)]
pub(crate) enum Event<'d> {
    /// `system.heartbeat`: dropped, nothing else read.
    Heartbeat,
    Change(Envelope<'d>),
}

/// Reads the envelope of a document that has passed the whole-document rules.
pub(crate) fn read<'d>(document: &'d Object<'d>, stream: Stream, zone: &TimeZone) -> Result<Event<'d>, Reason> {
    let version = version(document)?;
    let members = members(version);
    let event_type = document.get(members.event_type).and_then(Json::as_str).ok_or(Reason::EventType)?;
    if event_type == "system.heartbeat" {
        return Ok(Event::Heartbeat);
    }
    let (entity, action) = event_type.split_once('.').ok_or(Reason::EventType)?;
    let action = Action::parse(action).ok_or(Reason::EventType)?;
    match Stream::for_entity(entity) {
        None => return Err(Reason::EventType),
        Some(owner) if owner != stream => return Err(Reason::WrongStream),
        Some(_) => {}
    }
    event_id(document.get(members.event_id), members.event_id)?;
    let (occurred_at, updated_at) = occurred_at(document.get(members.occurred_at), members.occurred_at, zone)?;
    let fields = match document.get(members.payload) {
        Some(Json::Object(fields)) => fields,
        None | Some(Json::Null) => return Err(Reason::Missing(members.payload)),
        Some(_) => return Err(Reason::Type(members.payload)),
    };
    Ok(Event::Change(Envelope { version, action, fields, updated_at, occurred_at }))
}

/// `schemaVersion` must be the number 2, `schema_version` the number 1, in any notation; a
/// document with neither is v1, one with both is refused.
fn version(document: &Object<'_>) -> Result<Version, Reason> {
    let is = |value: &Json<'_>, expected: i64| match value {
        Json::Number(text) => Decimal::parse(text).map(|d| d.to_i64()) == Some(Ok(expected)),
        _ => false,
    };
    match (document.get(V2.schema_version), document.get(V1.schema_version)) {
        (Some(v2), None) if is(v2, 2) => Ok(Version::V2),
        (None, Some(v1)) if is(v1, 1) => Ok(Version::V1),
        (None, None) => Ok(Version::V1),
        _ => Err(Reason::SchemaVersion),
    }
}

/// A JSON string of at least one character; not cleaned, only traced.
fn event_id(value: Option<&Json<'_>>, name: FieldName) -> Result<(), Reason> {
    match value {
        Some(Json::String(id)) if !id.is_empty() => Ok(()),
        None | Some(Json::Null) | Some(Json::String(_)) => Err(Reason::Missing(name)),
        Some(_) => Err(Reason::Type(name)),
    }
}

/// The instant in Unix seconds and as System One's TIMESTAMP text.
fn occurred_at(value: Option<&Json<'_>>, name: FieldName, zone: &TimeZone) -> Result<(i64, String), Reason> {
    match value {
        None | Some(Json::Null) => Err(Reason::Missing(name)),
        Some(Json::String(text)) if text.is_empty() => Err(Reason::Missing(name)),
        Some(value) => scalar::timestamp_at(value, &Context { name, zone }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn read_json(document: Value) -> Result<&'static str, Reason> {
        let text = document.to_string();
        let map = crate::parse::document(&text).expect("a JSON object");
        let zone = TimeZone::get("America/Chicago").expect("bundled");
        match read(&map, Stream::Orders, &zone)? {
            Event::Heartbeat => Ok("heartbeat"),
            Event::Change(e) => Ok(match (e.version, e.action) {
                (Version::V2, Action::Created) => "v2 created",
                (Version::V1, Action::Deleted) => "v1 deleted",
                _ => "other",
            }),
        }
    }

    fn v2(event_type: &str) -> Value {
        json!({"schemaVersion": 2, "eventId": "e", "eventType": event_type, "occurredAt": 0, "data": {}})
    }

    #[test]
    fn detects_versions_by_key() {
        assert_eq!(read_json(v2("order.created")), Ok("v2 created"));
        let v1 = json!({"event_id": "e", "event_type": "order.deleted", "occurred_at": 0, "payload": {}});
        assert_eq!(read_json(v1.clone()), Ok("v1 deleted"));
        let mut explicit = v1;
        explicit["schema_version"] = json!(1);
        assert_eq!(read_json(explicit), Ok("v1 deleted"));
    }

    #[test]
    fn refuses_other_versions() {
        for bad in [json!("2"), json!(null), json!(3), json!(true), json!(2.5)] {
            let mut doc = v2("order.created");
            doc["schemaVersion"] = bad;
            assert_eq!(read_json(doc), Err(Reason::SchemaVersion));
        }
        let mut both = v2("order.created");
        both["schema_version"] = json!(1);
        assert_eq!(read_json(both), Err(Reason::SchemaVersion));
    }

    #[test]
    fn classifies_event_types() {
        assert_eq!(read_json(v2("system.heartbeat")), Ok("heartbeat"));
        assert_eq!(read_json(v2("customer.created")), Err(Reason::WrongStream));
        for bad in [
            "order",
            "order.",
            "order.removed",
            "Order.created",
            "order.created ",
            "orders.created",
            "order.created.x",
            "",
        ] {
            assert_eq!(read_json(v2(bad)), Err(Reason::EventType), "{bad:?}");
        }
    }

    #[test]
    fn checks_id_time_and_payload() {
        let mut doc = v2("order.created");
        doc["eventId"] = json!("");
        assert_eq!(read_json(doc), Err(Reason::Missing("eventId")));
        let mut doc = v2("order.created");
        doc["occurredAt"] = json!("1795205045");
        assert_eq!(read_json(doc), Err(Reason::Format("occurredAt")));
        let mut doc = v2("order.created");
        doc["data"] = json!([]);
        assert_eq!(read_json(doc), Err(Reason::Type("data")));
    }

    #[test]
    fn builds_only_what_the_stream_reads() {
        let interest = interest(Interest::reading(["orderNumber", "order_number", "totals.tax"]));
        let text = r#"{"eventType":"order.created","extra":{"big":[1,2,3]},"data":{"orderNumber":"SO-1","totals":{"tax":1,"note":"x"},"salesRep":"Ann"}}"#;
        let built = Value::Object(crate::parse::document_of_interest(text, &interest).unwrap().to_map());
        let expected = serde_json::json!({
            "eventType": "order.created",
            "data": {"orderNumber": "SO-1", "totals": {"tax": 1}}
        });
        assert_eq!(built, expected);
    }
}
