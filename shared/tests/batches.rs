//! One realistic batch per stream (tests/fixtures/batches/<stream>.json: v1 and v2, all three
//! actions, a heartbeat, bad records), through the real handler, against the exact decoded
//! response in <stream>.expected.json. `UPDATE_BATCHES=1` rewrites the expected files, which
//! are then reviewed by hand; `generate.py` beside them makes the batches.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use base64::Engine;
use serde_json::{json, Value};
use shim::config::Config;
use shim::firehose::{FirehoseEvent, RecordResult};
use shim::{respond, Stream, Transformer};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/batches").join(name)
}

/// The response, decoded: each record's id, result, System One line (for `Ok`) and reason.
fn decoded(stream: Stream) -> Value {
    let text = std::fs::read_to_string(fixture(&format!("{}.json", stream.name()))).unwrap();
    let event: FirehoseEvent = serde_json::from_str(&text).unwrap();
    let inputs: Vec<String> = event.records.iter().map(|r| r.data.clone()).collect();
    let transformer = Transformer::new(stream, Config::with_zone(None).unwrap()).unwrap();
    let handled = respond::process(&transformer, event).unwrap();
    let records: Vec<Value> = handled
        .response
        .records
        .iter()
        .zip(&handled.reasons)
        .zip(&inputs)
        .map(|((record, reason), input)| {
            let line = match record.result {
                RecordResult::Ok => {
                    let bytes = base64::engine::general_purpose::STANDARD.decode(&record.data).unwrap();
                    Value::String(String::from_utf8(bytes).unwrap())
                }
                RecordResult::Dropped => {
                    assert_eq!(record.data, "");
                    Value::Null
                }
                RecordResult::ProcessingFailed => {
                    assert_eq!(&record.data, input, "failed records carry their input unchanged");
                    Value::Null
                }
            };
            json!({
                "recordId": record.record_id,
                "result": record.result,
                "line": line,
                "reason": reason.map(|r| r.tag().to_string()),
            })
        })
        .collect();
    Value::Array(records)
}

fn check(stream: Stream) {
    let actual = decoded(stream);
    let path = fixture(&format!("{}.expected.json", stream.name()));
    if std::env::var_os("UPDATE_BATCHES").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
        return;
    }
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(actual, expected, "{stream}");
}

macro_rules! batches {
    ($($test:ident => $stream:ident),* $(,)?) => {
        $( #[test] fn $test() { check(Stream::$stream); } )*
    };
}

batches! {
    customers => Customers,
    orders => Orders,
    order_lines => OrderLines,
    invoices => Invoices,
    invoice_lines => InvoiceLines,
    shipments => Shipments,
    shipping_addresses => ShippingAddresses,
    virtual_requests => VirtualRequests,
    estimates => Estimates,
}
