//! One invocation of a stream's function on a batch of records, as Firehose's Lambda processor
//! makes it, and the verdict on each record: its System One line, dropped, or the error-output
//! line Firehose would write for it. Shared by the local pipeline and the bucket replay.

use base64::Engine;
use shim::firehose::{FirehoseEvent, FirehoseRecord, RecordResult};
use shim::Transformer;

use crate::error_output::{ErrorRecord, FUNCTION_ERROR, PROCESSING_FAILED};
use crate::summary::Tally;
use crate::Error;

/// A record waiting for its invocation.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Base64 of the record's bytes, as Firehose hands it to the function.
    pub data: String,
    /// `arrivalTimestamp` of its error-output line, should it fail.
    pub arrival_ms: i64,
    /// Invocations already attempted (from a replayed line).
    pub attempts_before: u64,
}

impl Pending {
    /// A record read back from the error output, for its next attempt: its `rawData`, its
    /// `arrivalTimestamp` (`now_ms` when the line has none) and the attempts it has had.
    pub fn replayed(record: ErrorRecord, now_ms: i64) -> Pending {
        let arrival_ms = if record.arrival_timestamp > 0 { record.arrival_timestamp } else { now_ms };
        Pending { data: record.raw_data, arrival_ms, attempts_before: record.attempts_made }
    }

    /// The record's bytes as a buffer counts them: its decoded size, from the base64 length
    /// (without decoding; invalid base64 counts alike).
    pub fn size(&self) -> usize {
        self.data.len() / 4 * 3
    }
}

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Its System One line, `\n` included.
    Ok(Vec<u8>),
    Dropped,
    /// Its error-output line (`attemptsMade` one higher, today's reason).
    Failed(ErrorRecord),
}

/// The invocation's identity and what its error-output lines say about it.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    pub invocation_id: String,
    /// Record ids are `<prefix>-<n>` for n from `first_record` on.
    pub record_prefix: &'a str,
    pub first_record: u64,
    /// `lambdaArn` of the error-output lines.
    pub lambda_arn: &'a str,
    /// `attemptEndingTimestamp` of the error-output lines.
    pub ended_ms: i64,
}

/// Runs `records` through `transformer` in one call and counts the outcome into `tally`; the
/// verdicts are aligned with `records`. A call that fails as a whole (a response over Lambda's
/// 6 MB) fails every record with `Lambda.FunctionError`, as Firehose does.
pub fn invoke(
    transformer: &Transformer,
    invocation: &Invocation<'_>,
    records: &[Pending],
    tally: &mut Tally,
) -> Result<Vec<Verdict>, Error> {
    let event_records: Vec<FirehoseRecord> = records
        .iter()
        .enumerate()
        .map(|(i, pending)| FirehoseRecord {
            record_id: format!("{}-{:012}", invocation.record_prefix, invocation.first_record + i as u64),
            data: pending.data.clone(),
            approximate_arrival_timestamp: Some(pending.arrival_ms),
            ..FirehoseRecord::default()
        })
        .collect();
    let event = FirehoseEvent {
        invocation_id: Some(invocation.invocation_id.clone()),
        records: event_records,
        ..FirehoseEvent::default()
    };
    let outcome = shim::respond::process(transformer, event);
    let failed = |pending: &Pending, code: &str, message: String| ErrorRecord {
        attempts_made: pending.attempts_before + 1,
        arrival_timestamp: pending.arrival_ms,
        error_code: code.to_owned(),
        error_message: message,
        attempt_ending_timestamp: invocation.ended_ms,
        raw_data: pending.data.clone(),
        lambda_arn: invocation.lambda_arn.to_owned(),
    };
    tally.batches += 1;
    tally.records += records.len();
    let handled = match outcome {
        Ok(handled) => handled,
        Err(error) => {
            tally.failed += records.len();
            *tally.reasons.entry(FUNCTION_ERROR.to_owned()).or_default() += records.len();
            return Ok(records
                .iter()
                .map(|pending| Verdict::Failed(failed(pending, FUNCTION_ERROR, error.to_string())))
                .collect());
        }
    };
    tally.ok += handled.summary.ok;
    tally.dropped += handled.summary.dropped;
    tally.failed += handled.summary.failed;
    tally.truncated += handled.summary.truncated;
    tally.handler_time += handled.summary.elapsed;
    tally.ages_ms.extend_from_slice(&handled.summary.ages_ms);
    for (reason, count) in handled.summary.reasons {
        *tally.reasons.entry(reason).or_default() += count;
    }
    let results = handled.response.records.iter().zip(&handled.reasons).zip(records);
    results
        .map(|((record, reason), pending)| match record.result {
            RecordResult::Ok => base64::engine::general_purpose::STANDARD
                .decode(&record.data)
                .map(Verdict::Ok)
                .map_err(|source| Error::NotBase64 { stream: transformer.stream(), source }),
            RecordResult::Dropped => Ok(Verdict::Dropped),
            RecordResult::ProcessingFailed => {
                let message = match reason {
                    Some(reason) => format!("{}: {reason}", reason.tag()),
                    None => "ProcessingFailed status set for record".to_owned(),
                };
                Ok(Verdict::Failed(failed(pending, PROCESSING_FAILED, message)))
            }
        })
        .collect()
}
