//! The Firehose data-transformation contract: the event a function receives and the response
//! it returns.
//!
//! These are our own types rather than `aws_lambda_events::event::firehose`: its event record
//! decodes `data` while the event is parsed, so one record with bad base64 would fail the whole
//! invocation, and its response record holds decoded bytes, so a `ProcessingFailed` record could
//! not carry back original data that is not valid base64. Tests build events with the
//! `aws_lambda_events` types to prove the two agree on the wire.

use serde::{Deserialize, Serialize};

/// A batch from a Firehose delivery stream. Other members (`deliveryStreamArn`,
/// `sourceKinesisStreamArn`, `region`, per-record `kinesisRecordMetadata`...) are ignored.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirehoseEvent {
    #[serde(default)]
    pub invocation_id: Option<String>,
    pub records: Vec<FirehoseRecord>,
}

/// One record of a batch: `data` is kept as text and decoded per record.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirehoseRecord {
    pub record_id: String,
    pub data: String,
}

/// The response: one record per input record, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct FirehoseResponse {
    pub records: Vec<ResponseRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseRecord {
    pub record_id: String,
    pub result: RecordResult,
    /// `Ok`: base64 of the System One line; `Dropped`: empty; `ProcessingFailed`: the input
    /// `data`, unchanged.
    pub data: String,
}

/// The three results Firehose accepts, spelled exactly as it requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum RecordResult {
    Ok,
    Dropped,
    ProcessingFailed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_serialise_as_firehose_spells_them() {
        let json =
            serde_json::to_string(&[RecordResult::Ok, RecordResult::Dropped, RecordResult::ProcessingFailed]).unwrap();
        assert_eq!(json, r#"["Ok","Dropped","ProcessingFailed"]"#);
    }

    #[test]
    fn reads_an_event_built_with_aws_lambda_events() {
        use aws_lambda_events::event::firehose::{KinesisFirehoseEvent, KinesisFirehoseEventRecord};
        let mut record = KinesisFirehoseEventRecord::default();
        record.record_id = Some("r-1".into());
        record.data.extend_from_slice(b"{}");
        let mut event = KinesisFirehoseEvent::default();
        event.records = vec![record];
        event.invocation_id = Some("i-1".into());
        let ours: FirehoseEvent = serde_json::from_value(serde_json::to_value(&event).unwrap()).unwrap();
        assert_eq!(ours.records.len(), 1);
        assert_eq!(ours.records[0].record_id, "r-1");
        assert_eq!(ours.records[0].data, "e30=");
    }
}
