//! The two pipelines the benches compare: what the Lambda does with an event's text, and the
//! least any transformer must do.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use shim::firehose::{FirehoseEvent, FirehoseResponse, RecordResult, ResponseRecord};
use shim::Transformer;

/// What the Lambda does with an event: the event's text to the response's bytes, through
/// the real handler. `None` if the event is not a Firehose event or the response cannot fit.
pub fn transform(transformer: &Transformer, event: &str) -> Option<Vec<u8>> {
    let event: FirehoseEvent = serde_json::from_str(event).ok()?;
    let response = shim::respond::process(transformer, event).ok()?.into_response();
    serde_json::to_vec(&response).ok()
}

/// The least any transformer must do: parse the event, base64-decode every record, parse it
/// as JSON, base64-encode it back, and write the response.
pub fn floor(event: &str) -> Option<Vec<u8>> {
    let event: FirehoseEvent = serde_json::from_str(event).ok()?;
    let records = event
        .records
        .into_iter()
        .map(|record| {
            let decoded = STANDARD.decode(record.data.as_bytes()).ok();
            let parsed = decoded.as_deref().and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok());
            let (result, data) = match (decoded, parsed) {
                (Some(bytes), Some(_)) => (RecordResult::Ok, STANDARD.encode(bytes)),
                _ => (RecordResult::ProcessingFailed, record.data.into_owned()),
            };
            ResponseRecord { record_id: record.record_id.into_owned(), result, data }
        })
        .collect();
    serde_json::to_vec(&FirehoseResponse { records }).ok()
}
