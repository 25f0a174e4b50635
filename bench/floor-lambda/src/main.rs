//! The floor: the least any Firehose transformation Lambda must do, written plainly and not
//! tuned. `bench/run` runs it beside the real functions under the same local Runtime API, so
//! that their CPU per invocation, start-up and memory are read against a yardstick.
//!
//! Per invocation: the event deserialized with owned strings (as `lambda_runtime` hands any
//! handler its payload), every record's `data` base64-decoded and parsed to
//! `serde_json::Value`, its bytes base64-encoded back, and the response serialized by the
//! runtime. A record that does not decode or parse goes back `ProcessingFailed` with its data.
//! No logging subscriber: the floor writes no log lines.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    records: Vec<Record>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    record_id: String,
    data: String,
}

#[derive(Serialize)]
struct Response {
    records: Vec<ResponseRecord>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseRecord {
    record_id: String,
    result: &'static str,
    data: String,
}

fn record(record: Record) -> ResponseRecord {
    let decoded = STANDARD.decode(record.data.as_bytes()).ok();
    let parsed = decoded.as_deref().is_some_and(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).is_ok());
    match decoded {
        Some(bytes) if parsed => {
            ResponseRecord { record_id: record.record_id, result: "Ok", data: STANDARD.encode(bytes) }
        }
        _ => ResponseRecord { record_id: record.record_id, result: "ProcessingFailed", data: record.data },
    }
}

async fn handle(event: LambdaEvent<Event>) -> Result<Response, Error> {
    Ok(Response { records: event.payload.records.into_iter().map(record).collect() })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(handle)).await
}
