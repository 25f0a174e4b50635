//! Step 8: a whole Firehose batch to its response, with the invocation's log lines.
//!
//! Every input record comes back exactly once, in input order; a record that fails takes its
//! original `data` back with `ProcessingFailed`, so nothing is lost and no record affects another.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::decode;
use crate::firehose::{FirehoseEvent, FirehoseRecord, FirehoseResponse, RecordResult, ResponseRecord};
use crate::transform::{TransformOutcome, Transformer};

/// Transforms a batch. Logs one line per failed record and per truncation (record id, reason,
/// field; never a value) and one summary line.
pub fn handle(transformer: &Transformer, event: FirehoseEvent) -> FirehoseResponse {
    let started = Instant::now();
    let mut summary = Summary::default();
    let records = event
        .records
        .into_iter()
        .map(|record| {
            let outcome = transformer.transform(&record.data);
            summary.count(&record, &outcome);
            respond(record, outcome)
        })
        .collect();
    summary.log(transformer, started.elapsed());
    FirehoseResponse { records }
}

fn respond(record: FirehoseRecord, outcome: TransformOutcome) -> ResponseRecord {
    let (result, data) = match outcome {
        TransformOutcome::Ok { line, .. } => (RecordResult::Ok, decode::encode(line.as_bytes())),
        TransformOutcome::Dropped => (RecordResult::Dropped, String::new()),
        TransformOutcome::Failed(_) => (RecordResult::ProcessingFailed, record.data),
    };
    ResponseRecord { record_id: record.record_id, result, data }
}

/// Counts for the invocation's summary line.
#[derive(Debug, Default)]
pub struct Summary {
    pub ok: usize,
    pub dropped: usize,
    pub failed: usize,
    pub truncated: usize,
    /// Failures by machine reason (`missing:CUST_NO`).
    pub reasons: BTreeMap<String, usize>,
}

impl Summary {
    fn count(&mut self, record: &FirehoseRecord, outcome: &TransformOutcome) {
        match outcome {
            TransformOutcome::Ok { truncated, .. } => {
                self.ok += 1;
                for field in truncated {
                    self.truncated += 1;
                    tracing::warn!(record_id = %record.record_id, field, "value truncated to its width");
                }
            }
            TransformOutcome::Dropped => self.dropped += 1,
            TransformOutcome::Failed(reason) => {
                self.failed += 1;
                let tag = reason.tag().to_string();
                tracing::warn!(
                    record_id = %record.record_id,
                    reason = %tag,
                    code = reason.code(),
                    field = reason.field().unwrap_or(""),
                    message = %reason,
                    "record failed"
                );
                *self.reasons.entry(tag).or_default() += 1;
            }
        }
    }

    fn log(&self, transformer: &Transformer, elapsed: Duration) {
        let reasons = serde_json::to_string(&self.reasons).unwrap_or_default();
        tracing::info!(
            stream = transformer.stream().name(),
            records = self.ok + self.dropped + self.failed,
            ok = self.ok,
            dropped = self.dropped,
            processing_failed = self.failed,
            truncated = self.truncated,
            reasons = %reasons,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            "batch transformed"
        );
    }
}
