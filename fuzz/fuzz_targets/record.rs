//! One record's payload bytes: the first byte picks the stream, the rest are the record's
//! bytes, base64-encoded as Firehose sends them and transformed alone and in a one-record batch.
#![no_main]

use base64::Engine;
use libfuzzer_sys::fuzz_target;
use shim::firehose::{FirehoseEvent, FirehoseRecord};

fuzz_target!(|input: &[u8]| {
    let Some((&selector, bytes)) = input.split_first() else { return };
    let stream = fuzz_support::stream_for(selector);
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    fuzz_support::check_record(stream, &data);
    let record = FirehoseRecord { record_id: "r".into(), data: data.into(), ..FirehoseRecord::default() };
    let event = FirehoseEvent { records: vec![record], ..FirehoseEvent::default() };
    fuzz_support::check_event(stream, event);
});
