//! What a router needs of an event document, read the engine's way: its event type, its stream
//! and its key values, without the checks a function runs (`firehose-local` routes lines to
//! streams and gives Kinesis records the API's partition keys with it).

use std::borrow::Cow;

use super::{members, V1, V2};
use crate::decode;
use crate::json::{Json, Object};
use crate::layout::Version;
use crate::parse::{self, Interest};
use crate::Stream;

/// An event document's routing facts. Read by the functions' strict parser: a document that is
/// not strict JSON (a name given twice, a byte order mark...) gives none, as a function would
/// fail it before reading anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek<'a> {
    /// `eventType` (v2), or `event_type` (v1) when there is no `eventType`; when a string.
    pub event_type: Option<Cow<'a, str>>,
    /// `data` (v2), else `payload` (v1), when it is an object; with the version its member
    /// names follow.
    payload: Option<(Version, Object<'a>)>,
}

/// Reads the routing facts of a System Two event document (a Kinesis record's bytes, a line of
/// an export); `None` for bytes that are not UTF-8 strict JSON with an object at the top.
pub fn peek(bytes: &[u8]) -> Option<Peek<'_>> {
    let text = decode::utf8(bytes).ok()?;
    let interest = Interest::Members(
        [V2.event_type, V1.event_type, V2.payload, V1.payload]
            .into_iter()
            .map(|name| (name, Interest::Everything))
            .collect(),
    );
    let document = parse::document_of_interest(text, &interest).ok()?;
    let mut document = document.into_members();
    let mut take =
        |name: &str| document.iter().position(|(member, _)| member == name).map(|at| document.swap_remove(at).1);
    let (v2_type, v1_type) = (take(V2.event_type), take(V1.event_type));
    // `eventType`, when present, is the event type, whatever its type.
    let event_type = string(if v2_type.is_some() { v2_type } else { v1_type });
    let payload = match (take(members(Version::V2).payload), take(members(Version::V1).payload)) {
        (Some(Json::Object(data)), _) => Some((Version::V2, data)),
        (_, Some(Json::Object(payload))) => Some((Version::V1, payload)),
        _ => None,
    };
    Some(Peek { event_type, payload })
}

/// The value at a dotted path, through groups that are objects.
fn at_path<'p, 'a>(payload: &'p Object<'a>, path: &str) -> Option<&'p Json<'a>> {
    let mut names = path.split('.');
    let mut value = payload.get(names.next()?)?;
    for name in names {
        match value {
            Json::Object(group) => value = group.get(name)?,
            _ => return None,
        }
    }
    Some(value)
}

fn string(value: Option<Json<'_>>) -> Option<Cow<'_, str>> {
    match value {
        Some(Json::String(text)) => Some(text),
        _ => None,
    }
}

impl Peek<'_> {
    /// The stream of the event type's entity (`order_line.created` → order-lines); `None` for
    /// a heartbeat, an unknown entity or no event type.
    pub fn stream(&self) -> Option<Stream> {
        let (entity, _) = self.event_type.as_deref()?.split_once('.')?;
        Stream::for_entity(entity)
    }

    /// The values of `stream`'s key fields ([`crate::layout::Layout::key_paths`]) as written: a
    /// string's text, a number's JSON text; `None` when one is absent or of another type, or
    /// the document has no payload object.
    pub fn key_values(&self, stream: Stream) -> Option<Vec<Cow<'_, str>>> {
        let (version, payload) = self.payload.as_ref()?;
        stream
            .layout()
            .key_paths(*version)
            .map(|path| match at_path(payload, path)? {
                Json::String(text) => Some(Cow::Borrowed(text.as_ref())),
                Json::Number(text) => Some(Cow::Borrowed(*text)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_connector_versions() {
        let v2 = peek(
            br#"{"schemaVersion":2,"eventType":"order_line.created","data":{"orderNumber":"SO-1","lineNumber":3}}"#,
        )
        .unwrap();
        assert_eq!(v2.stream(), Some(Stream::OrderLines));
        assert_eq!(v2.key_values(Stream::OrderLines), Some(vec!["SO-1".into(), "3".into()]));
        let v1 = br#"{"event_type":"shipping_address.updated","payload":{"customer_number":"C-9","address_id":"A1"}}"#;
        let v1 = peek(v1).unwrap();
        assert_eq!(v1.stream(), Some(Stream::ShippingAddresses));
        assert_eq!(v1.key_values(Stream::ShippingAddresses), Some(vec!["C-9".into(), "A1".into()]));
    }

    #[test]
    fn keeps_values_as_written_and_misses_what_is_absent() {
        let number = peek(br#"{"data":{"orderNumber":12.50E1}}"#).unwrap();
        assert_eq!(number.stream(), None);
        assert_eq!(number.key_values(Stream::Estimates), Some(vec!["12.50E1".into()]));
        assert_eq!(peek(br#"{"data":{}}"#).unwrap().key_values(Stream::Orders), None);
        assert_eq!(peek(br#"{"data":{"orderNumber":true}}"#).unwrap().key_values(Stream::Orders), None);
        assert_eq!(peek(br#"{"data":[]}"#).unwrap().key_values(Stream::Orders), None);
        let escaped = peek(br#"{"eventType":"order\u002ecreated","data":{"orderNumber":"S\u00d8"}}"#).unwrap();
        assert_eq!(escaped.stream(), Some(Stream::Orders));
        assert_eq!(escaped.key_values(Stream::Orders), Some(vec!["SØ".into()]));
    }

    #[test]
    fn names_no_stream_for_what_a_function_would_not_route() {
        for line in [
            &br#"{"eventType":"system.heartbeat","data":{}}"#[..],
            br#"{"eventType":"payment.created"}"#,
            br#"{"eventType":7,"event_type":"order.created"}"#,
            br#"{"schemaVersion":2}"#,
        ] {
            assert_eq!(peek(line).and_then(|peeked| peeked.stream()), None, "{}", String::from_utf8_lossy(line));
        }
        // `event_type` is read when `eventType` is absent, not when it is of another type.
        assert_eq!(peek(br#"{"event_type":"order.deleted"}"#).unwrap().stream(), Some(Stream::Orders));
        for bytes in [&b"not json"[..], b"[1]", br#"{"a":1,"a":2}"#, b"\xEF\xBB\xBF{}", b"\xff"] {
            assert_eq!(peek(bytes), None);
        }
    }
}
