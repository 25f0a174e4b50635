//! One invocation of a stream's function on a batch of records, as Firehose's Lambda processor
//! makes it, and the verdict on each record: its System One line, dropped, or the error-output
//! line Firehose would write for it. Shared by the local pipeline and the replay; both batch
//! records with [`crate::buffers`].

use base64::Engine;
use shim::firehose::{FirehoseEvent, FirehoseRecord, RecordResult};
use shim::respond::Handled;
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

    /// The record's bytes as a buffer counts them: its decoded size, from the base64 length and
    /// padding, without decoding (exact for valid base64; invalid base64 counts alike). The one
    /// place record sizes are computed: `run` (which holds the bytes) and replays count alike.
    pub fn size(&self) -> usize {
        let padding = self.data.bytes().rev().take(2).take_while(|byte| *byte == b'=').count();
        (self.data.len() / 4 * 3).saturating_sub(padding)
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
    match shim::respond::process(transformer, event(invocation, records)) {
        Ok(handled) => {
            tally.count_batch(records.len(), &handled.summary);
            verdicts(transformer, invocation, records, &handled)
        }
        Err(error) => {
            tally.count_failed_batch(records.len(), FUNCTION_ERROR);
            let message = error.to_string();
            Ok(records
                .iter()
                .map(|pending| Verdict::Failed(failed(invocation, pending, FUNCTION_ERROR, &message)))
                .collect())
        }
    }
}

/// The Firehose event for the batch: record ids `<prefix>-<n>` (twelve digits) from
/// `first_record` on.
fn event(invocation: &Invocation<'_>, records: &[Pending]) -> FirehoseEvent<'static> {
    let records = records
        .iter()
        .zip(invocation.first_record..)
        .map(|(pending, number)| FirehoseRecord {
            record_id: format!("{}-{number:012}", invocation.record_prefix).into(),
            data: pending.data.clone().into(),
            approximate_arrival_timestamp: Some(pending.arrival_ms),
            ..FirehoseRecord::default()
        })
        .collect();
    FirehoseEvent { invocation_id: Some(invocation.invocation_id.clone().into()), records, ..FirehoseEvent::default() }
}

/// Each response record's verdict, aligned with `records`.
fn verdicts(
    transformer: &Transformer,
    invocation: &Invocation<'_>,
    records: &[Pending],
    handled: &Handled,
) -> Result<Vec<Verdict>, Error> {
    let results = handled.records.iter().map(|outcome| (&outcome.response, &outcome.reason)).zip(records);
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
                Ok(Verdict::Failed(failed(invocation, pending, PROCESSING_FAILED, &message)))
            }
        })
        .collect()
}

/// The error-output line of a record that failed this invocation.
fn failed(invocation: &Invocation<'_>, pending: &Pending, code: &str, message: &str) -> ErrorRecord {
    ErrorRecord {
        attempts_made: pending.attempts_before + 1,
        arrival_timestamp: pending.arrival_ms,
        error_code: code.to_owned(),
        error_message: message.to_owned(),
        attempt_ending_timestamp: invocation.ended_ms,
        raw_data: pending.data.clone(),
        lambda_arn: invocation.lambda_arn.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_counts_its_decoded_bytes() {
        for length in 0..10 {
            let data = base64::engine::general_purpose::STANDARD.encode(vec![b'x'; length]);
            assert_eq!(Pending { data, arrival_ms: 0, attempts_before: 0 }.size(), length);
        }
        let invalid = Pending { data: "not base64!".into(), arrival_ms: 0, attempts_before: 0 };
        assert_eq!(invalid.size(), 6);
    }
}
