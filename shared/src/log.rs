//! Every log line the engine writes, each a typed event named once and written by one function
//! (as vector's internal events): the message and field names here are what the operations
//! guide, the saved queries (`infra/queries/`) and the log tests read, so they change only here.
//!
//! Lines carry record ids, the stream, field names, reason codes and counts; never a value from
//! a record (`tests/logs.rs` holds every line to that).

use std::fmt::Display;

use crate::firehose::KinesisRecordMetadata;
use crate::reason::Reason;
use crate::Stream;

/// `function started` (INFO): the function is ready for its first event.
pub(crate) struct FunctionStarted<'a> {
    pub(crate) stream: Stream,
    pub(crate) zone: &'a str,
}

impl FunctionStarted<'_> {
    pub(crate) fn emit(&self) {
        tracing::info!(stream = self.stream.name(), zone = %self.zone, "function started");
    }
}

/// `start-up failed` (ERROR): the configuration is wrong; the function exits.
pub(crate) struct StartupFailed<'a, E> {
    pub(crate) stream: Stream,
    pub(crate) error: &'a E,
}

impl<E: Display> StartupFailed<'_, E> {
    pub(crate) fn emit(&self) {
        tracing::error!(stream = self.stream.name(), error = %self.error, "start-up failed");
    }
}

/// `could not start the async runtime` / `the Lambda runtime stopped` (ERROR): the process
/// cannot take (more) events.
pub(crate) enum RuntimeFailed<'a, E> {
    NotStarted(&'a E),
    Stopped(&'a E),
}

impl<E: Display> RuntimeFailed<'_, E> {
    pub(crate) fn emit(&self) {
        match self {
            RuntimeFailed::NotStarted(error) => tracing::error!(error = %error, "could not start the async runtime"),
            RuntimeFailed::Stopped(error) => tracing::error!(error = %error, "the Lambda runtime stopped"),
        }
    }
}

/// `invalid event` (ERROR): the request body is not a Firehose event; the invocation fails.
pub(crate) struct InvalidEvent<'a, E> {
    pub(crate) error: &'a E,
}

impl<E: Display> InvalidEvent<'_, E> {
    pub(crate) fn emit(&self) {
        tracing::error!(error = %self.error, "invalid event");
    }
}

/// `JSON Schema does not compile` (ERROR): a build defect; the records it would check fail.
pub(crate) struct SchemaDoesNotCompile<'a, E> {
    pub(crate) stream: Stream,
    pub(crate) error: &'a E,
}

impl<E: Display> SchemaDoesNotCompile<'_, E> {
    pub(crate) fn emit(&self) {
        tracing::error!(stream = self.stream.name(), error = %self.error, "JSON Schema does not compile");
    }
}

/// `response too large` (ERROR): even with every record returned as it came the response would
/// not fit; the invocation fails.
pub(crate) struct ResponseTooLarge<'a, E> {
    pub(crate) records: usize,
    pub(crate) bytes: usize,
    pub(crate) error: &'a E,
}

impl<E: Display> ResponseTooLarge<'_, E> {
    pub(crate) fn emit(&self) {
        tracing::error!(records = self.records, bytes = self.bytes, detail = %self.error, "response too large");
    }
}

/// `record failed` (WARN): a record goes back `ProcessingFailed`; its reason and its place at
/// its source.
pub(crate) struct RecordFailed<'a> {
    pub(crate) record_id: &'a str,
    pub(crate) reason: Reason,
    /// `approximateArrivalTimestamp`, milliseconds.
    pub(crate) arrival_ms: Option<i64>,
    pub(crate) kinesis: Option<&'a KinesisRecordMetadata<'a>>,
}

impl RecordFailed<'_> {
    pub(crate) fn emit(&self) {
        let reason = self.reason;
        let kinesis = self.kinesis;
        tracing::warn!(
            record_id = %self.record_id,
            reason = %reason.tag(),
            code = reason.code(),
            field = reason.field().unwrap_or(""),
            detail = %reason,
            approximateArrivalTimestamp = self.arrival_ms,
            shardId = kinesis.and_then(|k| k.shard_id.as_deref()),
            sequenceNumber = kinesis.and_then(|k| k.sequence_number.as_deref()),
            subsequenceNumber = kinesis.and_then(|k| k.subsequence_number.as_deref()),
            "record failed"
        );
    }
}

/// `value truncated to its width` (WARN): a TEXT T field of an `Ok` record was cut.
pub(crate) struct ValueTruncated<'a> {
    pub(crate) record_id: &'a str,
    pub(crate) field: &'static str,
}

impl ValueTruncated<'_> {
    pub(crate) fn emit(&self) {
        tracing::warn!(record_id = %self.record_id, field = self.field, "value truncated to its width");
    }
}

/// `batch transformed` (INFO): the invocation's counts; `reasons` is written as a JSON object
/// (see [`crate::logging`] on `json.` fields).
pub(crate) struct BatchTransformed<'a> {
    pub(crate) ok: usize,
    pub(crate) dropped: usize,
    pub(crate) failed: usize,
    pub(crate) truncated: usize,
    /// The failures by tag, as a JSON object's text.
    pub(crate) reasons: &'a str,
    pub(crate) duration_ms: f64,
    pub(crate) delivery_stream_arn: Option<&'a str>,
    pub(crate) source_kinesis_stream_arn: Option<&'a str>,
}

impl BatchTransformed<'_> {
    pub(crate) fn emit(&self) {
        tracing::info!(
            records = self.ok + self.dropped + self.failed,
            ok = self.ok,
            dropped = self.dropped,
            processing_failed = self.failed,
            truncated = self.truncated,
            json.reasons = %self.reasons,
            duration_ms = self.duration_ms,
            deliveryStreamArn = self.delivery_stream_arn,
            sourceKinesisStreamArn = self.source_kinesis_stream_arn,
            "batch transformed"
        );
    }
}
