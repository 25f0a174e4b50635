//! Step 8: a whole Firehose batch to its response, with the invocation's log lines.
//!
//! Every input record comes back exactly once, in input order; a record that fails takes its
//! original `data` back with `ProcessingFailed`, so nothing is lost and no record affects another.
//! The response never exceeds Lambda's 6 MB payload limit (see `fit`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use base64_simd::STANDARD;

use crate::firehose::{FirehoseEvent, FirehoseResponse, KinesisRecordMetadata, RecordResult, ResponseRecord};
use crate::log;
use crate::reason::Reason;
use crate::transform::{TransformOutcome, Transformer};

mod fit;

use fit::fit_response;
pub use fit::{ResponseTooLarge, RESPONSE_LIMIT};

/// A handled batch: each record's outcome in input order, and the counts beside them.
#[derive(Debug)]
pub struct Handled {
    pub records: Vec<Outcome>,
    pub summary: Summary,
}

/// One record's outcome: its response record and, for a `ProcessingFailed` one, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub response: ResponseRecord,
    pub reason: Option<Reason>,
}

impl Handled {
    /// The Firehose response: the records' response records, in input order.
    pub fn response(&self) -> FirehoseResponse {
        FirehoseResponse { records: self.records.iter().map(|outcome| outcome.response.clone()).collect() }
    }

    /// [`Handled::response`], without copying.
    pub fn into_response(self) -> FirehoseResponse {
        FirehoseResponse { records: self.records.into_iter().map(|outcome| outcome.response).collect() }
    }
}

/// What the caller knows about an invocation beyond its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invocation<'a> {
    /// The Lambda request id; `None` outside Lambda (firehose-local, benchmarks).
    pub(crate) request_id: Option<&'a str>,
    /// When the batch is transformed, in milliseconds since the Unix epoch: the clock the
    /// records' ages are measured against (read once per invocation).
    pub(crate) now_ms: i64,
}

impl Invocation<'_> {
    /// An invocation outside Lambda, now.
    pub(crate) fn now() -> Invocation<'static> {
        Invocation { request_id: None, now_ms: now_ms() }
    }
}

/// The system clock in milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Transforms a batch outside Lambda (`firehose-local`, benchmarks), with the system clock.
pub fn process(transformer: &Transformer, event: FirehoseEvent<'_>) -> Result<Handled, ResponseTooLarge> {
    process_invocation(transformer, event, Invocation::now())
}

/// Transforms a batch. Logs one line per failed record and per truncation (record id, reason,
/// field, the record's place at its source; never a value) and one summary line, all within a
/// span whose fields (stream, Lambda request id, Firehose invocation id) every line carries.
pub(crate) fn process_invocation(
    transformer: &Transformer,
    event: FirehoseEvent<'_>,
    invocation: Invocation<'_>,
) -> Result<Handled, ResponseTooLarge> {
    let started = Instant::now();
    // ERROR level: the span is on whenever any line is, whatever the configured level.
    let span = tracing::error_span!(
        "invocation",
        stream = transformer.stream().name(),
        requestId = invocation.request_id,
        invocationId = event.invocation_id.as_deref()
    );
    let _entered = span.enter();
    let mut ages_ms = Vec::with_capacity(event.records.len());
    let mut entries: Vec<Entry> = event
        .records
        .into_iter()
        .map(|record| {
            let transformed = transformer.transform_record(&record.data);
            if let Some(occurred_at) = transformed.occurred_at {
                ages_ms.push(age_ms(invocation.now_ms, occurred_at));
            }
            let source =
                Source { arrival_ms: record.approximate_arrival_timestamp, kinesis: record.kinesis_record_metadata };
            Entry::new(record.record_id, record.data, transformed.outcome).with_source(source)
        })
        .collect();
    if let Err(error) = fit_response(&mut entries) {
        log::ResponseTooLarge { records: error.records, bytes: error.bytes, error: &error }.emit();
        return Err(error);
    }
    let mut summary = Summary { ages_ms, ..Summary::default() };
    for entry in &entries {
        summary.count(entry);
        entry.log();
    }
    summary.elapsed = started.elapsed();
    summary.log(&Sources {
        delivery: event.delivery_stream_arn.as_deref(),
        kinesis: event.source_kinesis_stream_arn.as_deref(),
    });
    let records = entries.into_iter().map(|entry| Outcome { response: entry.response, reason: entry.reason }).collect();
    Ok(Handled { records, summary })
}

/// How old an event was when transformed: `now_ms` minus `occurredAt`, in milliseconds; an
/// `occurredAt` in the future (a producer's clock ahead of ours) counts as 0.
fn age_ms(now_ms: i64, occurred_at_s: i64) -> u64 {
    u64::try_from(now_ms.saturating_sub(occurred_at_s.saturating_mul(1000))).unwrap_or(0)
}

/// Where a record came from, for its log line: nothing from its content.
#[derive(Debug, Default)]
struct Source<'a> {
    arrival_ms: Option<i64>,
    kinesis: Option<KinesisRecordMetadata<'a>>,
}

/// The batch's delivery stream and Kinesis stream ARNs, for the summary line.
struct Sources<'a> {
    delivery: Option<&'a str>,
    kinesis: Option<&'a str>,
}

/// One record on its way back: its response, and what it needs if it must fall back.
struct Entry<'a> {
    response: ResponseRecord,
    /// The input `data` of an `Ok` record, kept (borrowed from the event) in case the output
    /// does not fit.
    original: Option<Cow<'a, str>>,
    reason: Option<Reason>,
    truncated: Vec<&'static str>,
    source: Source<'a>,
}

/// An output line as Firehose `data`: standard base64 with padding, the decoder's alphabet.
fn firehose_data(line: &[u8]) -> String {
    STANDARD.encode_to_string(line)
}

impl<'a> Entry<'a> {
    fn new(record_id: Cow<'a, str>, data: Cow<'a, str>, outcome: TransformOutcome) -> Entry<'a> {
        let (result, output, original, reason, truncated) = match outcome {
            TransformOutcome::Ok { line, truncated } => {
                (RecordResult::Ok, firehose_data(line.as_bytes()), Some(data), None, truncated)
            }
            TransformOutcome::Dropped => (RecordResult::Dropped, String::new(), None, None, Vec::new()),
            TransformOutcome::Failed(reason) => {
                (RecordResult::ProcessingFailed, data.into_owned(), None, Some(reason), Vec::new())
            }
        };
        let response = ResponseRecord { record_id: record_id.into_owned(), result, data: output };
        Entry { response, original, reason, truncated, source: Source::default() }
    }

    fn with_source(self, source: Source<'a>) -> Entry<'a> {
        Entry { source, ..self }
    }

    /// The record's log lines: why it failed, or which of its values were cut.
    fn log(&self) {
        let record_id = &self.response.record_id;
        match self.reason {
            Some(reason) => log::RecordFailed {
                record_id,
                reason,
                arrival_ms: self.source.arrival_ms,
                kinesis: self.source.kinesis.as_ref(),
            }
            .emit(),
            None => {
                for &field in &self.truncated {
                    log::ValueTruncated { record_id, field }.emit();
                }
            }
        }
    }
}

/// Counts for the invocation's summary line and metrics.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub ok: usize,
    pub dropped: usize,
    pub failed: usize,
    /// TEXT T cuts, across all records.
    pub truncated: usize,
    /// Failures by machine reason (`missing:CUST_NO`): the summary line's `reasons`.
    pub reasons: BTreeMap<String, usize>,
    /// Failures by reason code only (`missing`): the bounded set the `Reason` dimension takes.
    pub failed_by_code: BTreeMap<&'static str, usize>,
    /// Each record's age when transformed (now minus `occurredAt`), in milliseconds, in input
    /// order; only records whose `occurredAt` was read.
    pub ages_ms: Vec<u64>,
    /// Time spent on the batch.
    pub elapsed: Duration,
}

impl Summary {
    /// Counts one record's outcome; logs nothing (see [`Entry::log`]).
    fn count(&mut self, entry: &Entry) {
        if let Some(reason) = entry.reason {
            self.failed += 1;
            *self.reasons.entry(reason.tag().to_string()).or_default() += 1;
            *self.failed_by_code.entry(reason.code()).or_default() += 1;
        } else if entry.response.result == RecordResult::Dropped {
            self.dropped += 1;
        } else {
            self.ok += 1;
            self.truncated += entry.truncated.len();
        }
    }

    /// The `batch transformed` line.
    fn log(&self, sources: &Sources<'_>) {
        let reasons = serde_json::to_string(&self.reasons).unwrap_or_else(|_| "{}".into());
        log::BatchTransformed {
            ok: self.ok,
            dropped: self.dropped,
            failed: self.failed,
            truncated: self.truncated,
            reasons: &reasons,
            duration_ms: self.elapsed.as_secs_f64() * 1000.0,
            delivery_stream_arn: sources.delivery,
            source_kinesis_stream_arn: sources.kinesis,
        }
        .emit();
    }
}

#[cfg(test)]
mod tests;
