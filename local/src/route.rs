//! Where a line or a failed record goes: one of the nine streams, or the `unrouted` lane.
//!
//! A System Two event is routed by the entity of its `eventType` (`event_type` in connector v1):
//! `order_line.created` goes to `order-lines` ([`Stream::for_entity`]). A line that names no
//! stream (not JSON, not an object, no event type, an entity no stream carries) and a heartbeat
//! (`system.heartbeat`, which belongs to no stream) go to the `unrouted` lane. That lane runs the
//! same checks as every function: a heartbeat comes back `Dropped`, anything else
//! `ProcessingFailed` with the reason the functions give it (`bad-json`, `event-type`...), and
//! lands in `errors/unrouted/processing-failed/`, so no line is lost.

use std::path::Path;

use shim::Stream;

/// The name of the lane, folder and pseudo-function of lines that name no stream.
pub const UNROUTED: &str = "unrouted";

/// A delivery stream of the local pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    Stream(Stream),
    Unrouted,
}

impl Lane {
    /// The stream's name, or `unrouted`: the delivery stream, prefix folder and function name.
    pub fn name(self) -> &'static str {
        match self {
            Lane::Stream(stream) => stream.name(),
            Lane::Unrouted => UNROUTED,
        }
    }

    /// The stream whose checks the lane runs. The unrouted lane runs `customers`' transformer:
    /// every check that can fail a line that names no stream (base64, UTF-8, JSON, schema
    /// version, event type) comes before anything stream-specific, so any stream gives the
    /// same verdict; a heartbeat is dropped by all of them.
    pub fn transformer_stream(self) -> Stream {
        match self {
            Lane::Stream(stream) => stream,
            Lane::Unrouted => Stream::Customers,
        }
    }

    /// Every lane, in the order of the summary table.
    pub fn all() -> impl Iterator<Item = Lane> {
        Stream::ALL.into_iter().map(Lane::Stream).chain(std::iter::once(Lane::Unrouted))
    }

    /// The lane named `name`.
    pub fn from_name(name: &str) -> Option<Lane> {
        if name == UNROUTED {
            return Some(Lane::Unrouted);
        }
        Stream::from_name(name).map(Lane::Stream)
    }
}

impl Lane {
    /// The lane's place in [`Lane::all`]: the spec's stream order, `unrouted` last.
    fn rank(self) -> usize {
        match self {
            Lane::Stream(stream) => Stream::ALL.iter().position(|s| *s == stream).unwrap_or(0),
            Lane::Unrouted => Stream::ALL.len(),
        }
    }
}

impl Ord for Lane {
    fn cmp(&self, other: &Lane) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Lane {
    fn partial_cmp(&self, other: &Lane) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The lane of one System Two event document, by the entity of its event type, read as the
/// functions read it ([`shim::envelope::peek`]: a document they would refuse as JSON is unrouted).
pub fn by_content(bytes: &[u8]) -> Lane {
    shim::envelope::peek(bytes).and_then(|peeked| peeked.stream()).map_or(Lane::Unrouted, Lane::Stream)
}

/// The function name in a Lambda ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`).
pub fn function_name(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    parts.find(|part| *part == "function")?;
    parts.next().filter(|name| !name.is_empty())
}

/// The lane of a function: named exactly after a stream (as `cargo lambda deploy` names them)
/// or `unrouted`, or a CloudFormation-generated name holding the template's logical id
/// (`shim-OrderLinesFunction-1A2B3C` → order-lines).
pub fn lane_for_function(name: &str) -> Option<Lane> {
    if let Some(lane) = Lane::from_name(name) {
        return Some(lane);
    }
    let squashed: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    Stream::ALL
        .into_iter()
        .filter(|stream| squashed.contains(&format!("{}function", stream.name().replace('-', ""))))
        .max_by_key(|stream| stream.name().len())
        .map(Lane::Stream)
}

/// The lane a path was written for: the folder after `errors/` (`errors/<stream>/...`), else
/// any folder named like a lane.
pub fn lane_for_path(path: &Path) -> Option<Lane> {
    let names: Vec<&str> = path.components().filter_map(|component| component.as_os_str().to_str()).collect();
    let after_errors = names.windows(2).rev().find(|pair| pair.first() == Some(&"errors")).and_then(|pair| pair.get(1));
    if let Some(lane) = after_errors.and_then(|name| Lane::from_name(name)) {
        return Some(lane);
    }
    names.iter().rev().find_map(|name| Lane::from_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_entity_in_both_connector_versions() {
        let v2 = br#"{"schemaVersion":2,"eventType":"order_line.created","data":{}}"#;
        let v1 = br#"{"schema_version":1,"event_type":"shipping_address.deleted","payload":{}}"#;
        assert_eq!(by_content(v2), Lane::Stream(Stream::OrderLines));
        assert_eq!(by_content(v1), Lane::Stream(Stream::ShippingAddresses));
    }

    #[test]
    fn lines_that_name_no_stream_are_unrouted() {
        for line in [
            &br#"{"schemaVersion":2,"eventType":"system.heartbeat","data":{}}"#[..],
            br#"{"schemaVersion":2,"eventType":"payment.created","data":{}}"#,
            br#"{"schemaVersion":2,"data":{}}"#,
            br#"{"schemaVersion":2,"eventType":7}"#,
            br#"["customer.created"]"#,
            br#"{"schemaVersion":2,"eventType":"customer.cre"#,
            b"\xff\xfe{}",
        ] {
            assert_eq!(by_content(line), Lane::Unrouted, "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn an_unknown_action_still_routes_by_entity() {
        assert_eq!(by_content(br#"{"eventType":"invoice.archived"}"#), Lane::Stream(Stream::Invoices));
    }

    #[test]
    fn functions_name_their_lane() {
        assert_eq!(function_name("arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST"), Some("orders"));
        assert_eq!(function_name("arn:aws:lambda:us-east-1:123456789012:function:orders"), Some("orders"));
        assert_eq!(function_name("arn:aws:firehose:us-east-1:1:deliverystream/orders"), None);
        assert_eq!(lane_for_function("order-lines"), Some(Lane::Stream(Stream::OrderLines)));
        assert_eq!(lane_for_function("unrouted"), Some(Lane::Unrouted));
        assert_eq!(lane_for_function("shim-OrderLinesFunction-1A2B3C"), Some(Lane::Stream(Stream::OrderLines)));
        assert_eq!(lane_for_function("shim-OrdersFunction-1A2B3C"), Some(Lane::Stream(Stream::Orders)));
        assert_eq!(lane_for_function("shim-InvoicesFunction-9Z"), Some(Lane::Stream(Stream::Invoices)));
        assert_eq!(lane_for_function("something-else"), None);
    }

    #[test]
    fn paths_name_their_lane() {
        let path = Path::new("out/errors/invoice-lines/processing-failed/2026/11/20/15/invoice-lines-1-x");
        assert_eq!(lane_for_path(path), Some(Lane::Stream(Stream::InvoiceLines)));
        assert_eq!(lane_for_path(Path::new("s3/errors/unrouted/processing-failed/f")), Some(Lane::Unrouted));
        assert_eq!(lane_for_path(Path::new("downloads/estimates/2026/f")), Some(Lane::Stream(Stream::Estimates)));
        assert_eq!(lane_for_path(Path::new("downloads/f")), None);
    }
}
