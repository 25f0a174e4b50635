//! The repair as data: the objects a repair would write, each new, named from what it holds, so
//! that a rerun of the same reconcile computes the same names (and, once they are written, finds
//! nothing missing and plans nothing). Nothing delivered is ever deleted or rewritten.
//!
//! Where a repair object goes: the hour folder of the raw records it repairs (so the next
//! reconcile finds them where Firehose would have put them), named as Firehose names objects
//! with the time `HH-59-59`, so it sorts after every object Firehose wrote in that hour
//! (`<stream>-1-YYYY-MM-DD-HH-59-59-<uuid>`, the uuid a hash of the stream, hour, kind and
//! content). Missing lines, missing failures (as error-output lines) and, with
//! `include_differing`, today's lines for differing records go into one object each per stream
//! and hour.

use crate::ids::{fnv1a, uuid_like};
use base64::Engine;
use shim::Stream;

use super::hour::Hour;
use crate::error_output::{ErrorRecord, PROCESSING_FAILED};

/// What a planned object repairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepairKind {
    /// System One lines of records whose line is not delivered.
    MissingLines,
    /// Error-output lines of records that fail and are in no error output.
    MissingFailures,
    /// Today's System One lines of records whose delivered line differs (`include_differing`).
    DifferingLines,
}

impl RepairKind {
    fn tag(self) -> &'static [u8] {
        match self {
            RepairKind::MissingLines => b"missing-lines",
            RepairKind::MissingFailures => b"missing-failures",
            RepairKind::DifferingLines => b"differing-lines",
        }
    }
}

/// One object a repair writes (only if no object of that key exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedObject {
    pub key: String,
    pub kind: RepairKind,
    /// Lines (records) it holds.
    pub records: usize,
    pub content: Vec<u8>,
}

/// The `lambdaArn` of the error-output lines a repair writes: no function wrote them.
pub const REPAIR_ARN: &str = "firehose-local:reconcile-repair";

/// The object holding `content` (`records` lines) for `stream`'s `hour`.
pub fn object(stream: Stream, hour: Hour, kind: RepairKind, records: usize, content: Vec<u8>) -> PlannedObject {
    let name = stream.name();
    let digest = fnv1a(&[&content]).to_be_bytes();
    let uuid = uuid_like(&[b"reconcile-repair", name.as_bytes(), &hour.0.to_be_bytes(), kind.tag(), &digest]);
    let stamp = hour.start().to_zoned_datetime(jiff::tz::TimeZone::UTC).strftime("%Y-%m-%d-%H").to_string();
    let folder = match kind {
        RepairKind::MissingLines | RepairKind::DifferingLines => format!("system-one/{name}/{}", hour.folder()),
        RepairKind::MissingFailures => format!("errors/{name}/processing-failed/{}", hour.folder()),
    };
    PlannedObject { key: format!("{folder}/{name}-1-{stamp}-59-59-{uuid}"), kind, records, content }
}

/// The error-output line of a record that fails today and is in no error output: today's
/// reason, attempts 1, both timestamps the start of its hour (the backup keeps no arrival time).
pub fn failure_line(hour: Hour, raw: &[u8], reason: &str) -> String {
    let at = hour.start().as_millisecond();
    ErrorRecord {
        attempts_made: 1,
        arrival_timestamp: at,
        error_code: PROCESSING_FAILED.to_owned(),
        error_message: reason.to_owned(),
        attempt_ending_timestamp: at,
        raw_data: base64::engine::general_purpose::STANDARD.encode(raw),
        lambda_arn: REPAIR_ARN.to_owned(),
    }
    .line()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_derive_from_content_and_sort_last_in_their_hour() {
        let hour = Hour::of("2026-11-20T15:04:05Z".parse().unwrap());
        let a = object(Stream::Orders, hour, RepairKind::MissingLines, 1, b"ORD|A\n".to_vec());
        let again = object(Stream::Orders, hour, RepairKind::MissingLines, 1, b"ORD|A\n".to_vec());
        let other = object(Stream::Orders, hour, RepairKind::MissingLines, 1, b"ORD|B\n".to_vec());
        assert_eq!(a, again);
        assert_ne!(a.key, other.key);
        assert!(a.key.starts_with("system-one/orders/2026/11/20/15/orders-1-2026-11-20-15-59-59-"), "{}", a.key);
        let failures = object(
            Stream::Orders,
            hour,
            RepairKind::MissingFailures,
            1,
            failure_line(hour, b"x", "bad-json: x").into_bytes(),
        );
        assert!(failures.key.starts_with("errors/orders/processing-failed/2026/11/20/15/orders-1-"));
        let line = ErrorRecord::read(&failures.content).unwrap();
        assert_eq!(line.raw_data, "eA==");
        assert_eq!(line.arrival_timestamp, hour.start().as_millisecond());
    }
}
